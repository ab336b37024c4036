import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import type { KnotHealth } from '@knot-platform/plugin-knot-common';
import { knotApiRef, type KnotApi } from '../../api/KnotApi';
import {
  datasetsRouteRef,
  filesRouteRef,
  servicesRouteRef,
} from '../../routes';
import { KnotPage } from './KnotPage';

function knotApiAnswering(
  health: () => Promise<KnotHealth>,
  more: Partial<KnotApi> = {},
): KnotApi {
  return {
    getHealth: health,
    listIntegrations: async () => [],
    listServices: async () => ({ items: [] }),
    getActingProfile: async () => ({
      name: 'alice',
      actor: 'alice',
      namespace: 'knot-alice',
    }),
    ...more,
  } as Partial<KnotApi> as KnotApi;
}

const healthy = async (): Promise<KnotHealth> => ({
  status: 'ok',
  version: '0.1.0',
  kubernetes: { reachable: true, server: 'https://k8s', version: 'v1.36.0' },
});

// The first render of the app frame is slow on a loaded machine.
jest.setTimeout(60_000);

describe('KnotPage', () => {
  it('shows what Knot is and the reachable cluster version', async () => {
    const api = knotApiAnswering(async () => ({
      status: 'ok',
      version: '0.1.0',
      kubernetes: {
        reachable: true,
        server: 'https://127.0.0.1:16443',
        version: 'v1.34.1',
      },
    }));
    renderInTestApp(<KnotPage />, { apis: [[knotApiRef, api]] });

    expect(
      await screen.findByRole('heading', {
        name: 'Your data-science services, files and teams on Kubernetes',
      }),
    ).toBeInTheDocument();
    expect(await screen.findByText('reachable (v1.34.1)')).toBeInTheDocument();
    expect(screen.getByText('https://127.0.0.1:16443')).toBeInTheDocument();
  });

  it('is a landing page: integration tiles, the acting profile’s services, quick links', async () => {
    const api = knotApiAnswering(healthy, {
      listIntegrations: async () => [
        {
          name: 'jupyterhub',
          title: 'JupyterHub',
          purpose: 'Notebook service',
          url: 'https://jupyter.example',
        },
        {
          name: 'argoWorkflows',
          title: 'Argo Workflows',
          purpose: 'Workflow service',
          url: 'https://argo.example',
        },
      ],
      getActingProfile: async () => ({
        name: 'vision',
        actor: 'alice',
        namespace: 'knot-vision',
      }),
      listServices: async () => ({
        items: [
          {
            name: 'notebook',
            namespace: 'knot-vision',
            profile: 'vision',
            chart: 'jupyter',
            chartVersion: '1.0.0',
            appVersion: '1',
            revision: 1,
            helmStatus: 'deployed',
            state: 'Running',
            ready: '1/1',
            updated: new Date().toISOString(),
            url: 'https://notebook-vision.example',
            entityRef: 'component:default/notebook-vision',
          },
        ],
      }),
    });
    renderInTestApp(<KnotPage />, {
      apis: [[knotApiRef, api]],
      mountedRoutes: {
        '/knot/services': servicesRouteRef,
        '/knot/files': filesRouteRef,
        '/knot/datasets': datasetsRouteRef,
      },
    });

    const tiles = await screen.findByRole('list', { name: 'Integrations' });
    const hub = within(tiles).getByRole('link', { name: /^Open JupyterHub/ });
    expect(hub).toHaveAttribute('href', 'https://jupyter.example');
    expect(hub).toHaveAttribute('target', '_blank');
    expect(within(tiles).getByText('Workflow service')).toBeInTheDocument();
    expect(within(tiles).getAllByRole('link')).toHaveLength(2);

    expect(await screen.findByText('Services of vision')).toBeInTheDocument();
    const services = await screen.findByRole('list', { name: 'Services' });
    expect(
      within(services).getByRole('link', { name: /^notebook/ }),
    ).toHaveAttribute('href', 'https://notebook-vision.example');
    expect(within(services).getByText('Running')).toBeInTheDocument();

    const quick = screen.getByRole('list', { name: 'Quick links' });
    expect(
      within(quick).getByRole('link', { name: 'Create a service' }),
    ).toHaveAttribute('href', '/create');
    expect(within(quick).getByRole('link', { name: 'Files' })).toHaveAttribute(
      'href',
      '/knot/files',
    );
    expect(
      within(quick).getByRole('link', { name: 'Datasets' }),
    ).toHaveAttribute('href', '/knot/datasets');
  });

  it('shows no tiles when no integration is enabled', async () => {
    renderInTestApp(<KnotPage />, {
      apis: [[knotApiRef, knotApiAnswering(healthy)]],
    });
    expect(await screen.findByText(/No services yet/)).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Integrations' })).toBeNull();
  });

  it('explains an unreachable cluster', async () => {
    const api = knotApiAnswering(async () => ({
      status: 'ok',
      version: '0.1.0',
      kubernetes: { reachable: false, error: 'connect ECONNREFUSED' },
    }));
    renderInTestApp(<KnotPage />, { apis: [[knotApiRef, api]] });

    expect(
      await screen.findByText('unreachable: connect ECONNREFUSED'),
    ).toBeInTheDocument();
  });

  it('tells the user when the backend does not answer', async () => {
    const api = knotApiAnswering(async () => {
      throw new Error('Request failed with 503 Service Unavailable');
    });
    renderInTestApp(<KnotPage />, { apis: [[knotApiRef, api]] });

    expect(
      await screen.findByText(/The Knot backend did not answer/),
    ).toBeInTheDocument();
  });
});
