import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import type { KnotHealth } from '@knot-platform/plugin-knot-common';
import { knotApiRef, type KnotApi } from '../../api/KnotApi';
import { KnotPage } from './KnotPage';

function knotApiAnswering(health: () => Promise<KnotHealth>): KnotApi {
  return { getHealth: health } as Partial<KnotApi> as KnotApi;
}

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
