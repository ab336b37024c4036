import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { KnotService } from '@knot-platform/plugin-knot-common';
import { knotApiRef, type KnotApi } from '../../api/KnotApi';
import { age, ServicesPage } from './ServicesPage';

const hello: KnotService = {
  name: 'hello',
  namespace: 'knot-alice',
  profile: 'alice',
  chart: 'hello-kubernetes',
  chartVersion: '1.0.0',
  appVersion: '1.10',
  revision: 1,
  helmStatus: 'deployed',
  state: 'Running',
  ready: '1/1',
  updated: new Date(Date.now() - 3 * 60_000).toISOString(),
  url: 'https://hello-alice.knot.test/',
  entityRef: 'component:default/hello-alice',
};

function api(items: KnotService[]) {
  const deleteService = jest.fn(async (name: string) => {
    items.splice(
      items.findIndex(s => s.name === name),
      1,
    );
  });
  const knotApi = {
    listServices: async () => ({ items: [...items] }),
    getServiceValues: async () => ({ values: { message: 'Hi' } }),
    checkServiceValuesFit: async () => ({ fits: true, shortfalls: [] }),
    deleteService,
  } as Partial<KnotApi> as KnotApi;
  return { knotApi, deleteService };
}

// The first render of the app frame is slow on a shared machine.
jest.setTimeout(60_000);

describe('ServicesPage', () => {
  it('lists services with status, age and address, and shows detail', async () => {
    const { knotApi } = api([hello]);
    renderInTestApp(<ServicesPage />, { apis: [[knotApiRef, knotApi]] });
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(screen.getByText('hello-kubernetes 1.0.0')).toBeInTheDocument();
    expect(screen.getByText('3m')).toBeInTheDocument();
    expect(
      screen.getByText('https://hello-alice.knot.test/'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'hello' }));
    expect(await screen.findByText('Service hello')).toBeInTheDocument();
    expect(await screen.findByText(/"message": "Hi"/)).toBeInTheDocument();
  });

  it('keeps the list and an open dialog when a refresh fails, and says so', async () => {
    const { knotApi } = api([hello]);
    const listServices = knotApi.listServices;
    let refusing = false;
    knotApi.listServices = async () => {
      if (refusing) throw new Error('the cluster did not answer in time');
      return listServices();
    };
    renderInTestApp(<ServicesPage />, { apis: [[knotApiRef, knotApi]] });
    fireEvent.click(await screen.findByRole('button', { name: 'hello' }));
    expect(await screen.findByText('Service hello')).toBeInTheDocument();
    refusing = true;
    expect(
      await screen.findByText(
        /Could not refresh your services \(the cluster did not answer in time\)/,
        undefined,
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Service hello')).toBeInTheDocument();
    expect(screen.getByText('Running')).toBeInTheDocument();
  });

  it('says why a service does not run, and lists its events', async () => {
    const stuck: KnotService = {
      ...hello,
      name: 'big',
      state: 'Failed',
      ready: '0/1',
      reason: 'no node has 1000 CPU free',
    };
    const { knotApi } = api([hello, stuck]);
    const getServiceEvents = jest.fn(async () => ({
      items: [
        {
          type: 'Warning',
          reason: 'FailedScheduling',
          message: '0/3 nodes are available: 3 Insufficient cpu.',
          object: 'Pod/big-5d9c7-abcde',
          count: 4,
          lastSeen: new Date().toISOString(),
        },
      ],
    }));
    knotApi.getServiceEvents = getServiceEvents;
    renderInTestApp(<ServicesPage />, { apis: [[knotApiRef, knotApi]] });
    expect(await screen.findByText('Failed')).toBeInTheDocument();
    expect(screen.getByText('no node has 1000 CPU free')).toBeInTheDocument();
    // A running service has no reason to show.
    expect(screen.getAllByText(/CPU free/)).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Events of big' }));
    expect(
      await screen.findByText('FailedScheduling (×4)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Pod/big-5d9c7-abcde')).toBeInTheDocument();
    expect(
      screen.getByText('0/3 nodes are available: 3 Insufficient cpu.'),
    ).toBeInTheDocument();
    expect(getServiceEvents).toHaveBeenCalledWith('big');
  });

  it('deletes only after confirmation', async () => {
    const { knotApi, deleteService } = api([hello]);
    renderInTestApp(<ServicesPage />, { apis: [[knotApiRef, knotApi]] });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Delete hello' }),
    );
    expect(await screen.findByText('Delete hello?')).toBeInTheDocument();
    expect(deleteService).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm delete' }));
    await waitFor(() => expect(deleteService).toHaveBeenCalledWith('hello'));
    expect(await screen.findByText('No services yet.')).toBeInTheDocument();
  });

  it('changes values through the generated form', async () => {
    const { knotApi } = api([hello]);
    const updateServiceValues = jest.fn(async () => {});
    knotApi.getServiceForm = async () => ({
      chart: 'hello-kubernetes',
      chartVersion: '1.0.0',
      schema: {
        type: 'object',
        properties: {
          message: { type: 'string', title: 'Message', default: 'Hello' },
          replicas: { type: 'integer', title: 'Replicas', default: 1 },
        },
      },
      values: { message: 'Hi', replicas: 2 },
    });
    knotApi.updateServiceValues = updateServiceValues;
    renderInTestApp(<ServicesPage />, { apis: [[knotApiRef, knotApi]] });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Change values of hello' }),
    );
    const message = await screen.findByLabelText('Message');
    expect(message).toHaveValue('Hi');
    fireEvent.change(message, { target: { value: 'Bye' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(updateServiceValues).toHaveBeenCalledWith('hello', {
        message: 'Bye',
        replicas: 2,
      }),
    );
    await waitFor(() =>
      expect(screen.queryByText('Change values of hello')).toBeNull(),
    );
  });

  it('says when the values do not fit the quota, and Apply waits for values that do', async () => {
    const { knotApi } = api([hello]);
    knotApi.getServiceForm = async () => ({
      chart: 'hello-kubernetes',
      chartVersion: '1.0.0',
      schema: {
        type: 'object',
        properties: {
          replicas: { type: 'integer', title: 'Replicas', default: 1 },
        },
      },
      values: { replicas: 1 },
    });
    const checkServiceValuesFit = jest.fn(
      async (_name: string, values: Record<string, unknown>) =>
        (values.replicas as number) > 2
          ? {
              fits: false,
              message: "Needs 2 CPU, 1.5 CPU free of 4 in alice's quota",
              shortfalls: [],
            }
          : { fits: true, shortfalls: [] },
    );
    knotApi.checkServiceValuesFit = checkServiceValuesFit;
    renderInTestApp(<ServicesPage />, { apis: [[knotApiRef, knotApi]] });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Change values of hello' }),
    );
    expect(await screen.findByText('Fits the quota')).toBeInTheDocument();
    fireEvent.change(await screen.findByLabelText('Replicas'), {
      target: { value: '4' },
    });
    expect(
      await screen.findByText(
        "Needs 2 CPU, 1.5 CPU free of 4 in alice's quota",
      ),
    ).toBeInTheDocument();
    expect(checkServiceValuesFit).toHaveBeenLastCalledWith('hello', {
      replicas: 4,
    });
    expect(screen.getByRole('button', { name: 'Apply' })).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Replicas'), {
      target: { value: '2' },
    });
    expect(await screen.findByText('Fits the quota')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Apply' })).toBeEnabled();
  });

  it('adds names and values to an empty map, the chart value named profile its own', async () => {
    const { knotApi } = api([hello]);
    const updateServiceValues = jest.fn(async () => {});
    // As the knot plugin generates it for a chart with `profile: small`,
    // `extraEnv: {}` and a map `ui` (form-corpus/lab-profiles).
    knotApi.getServiceForm = async () => ({
      chart: 'lab-profiles',
      chartVersion: '1.0.0',
      schema: {
        type: 'object',
        properties: {
          profile: {
            type: 'string',
            title: 'Profile',
            default: 'small',
            enum: ['small', 'medium', 'large'],
          },
          extraEnv: {
            type: 'object',
            title: 'Extra env',
            additionalProperties: { type: 'string' },
          },
          ui: {
            type: 'object',
            title: 'UI',
            properties: { theme: { type: 'string', title: 'Theme' } },
          },
        },
      },
      values: { profile: 'medium', ui: { theme: 'dark' } },
    });
    knotApi.updateServiceValues = updateServiceValues;
    renderInTestApp(<ServicesPage />, { apis: [[knotApiRef, knotApi]] });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Change values of hello' }),
    );
    expect(await screen.findByText('UI')).toBeInTheDocument();
    fireEvent.click(screen.getByTitle('Add Item'));
    const key = await screen.findByLabelText('newKey Key');
    fireEvent.change(key, { target: { value: 'HTTP_PROXY' } });
    fireEvent.blur(key);
    fireEvent.change(await screen.findByLabelText('HTTP_PROXY'), {
      target: { value: 'http://proxy:3128' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(updateServiceValues).toHaveBeenCalledWith('hello', {
        profile: 'medium',
        extraEnv: { HTTP_PROXY: 'http://proxy:3128' },
        ui: { theme: 'dark' },
      }),
    );
  });

  it("shows helm's refusal in its words and keeps the form", async () => {
    const { knotApi } = api([hello]);
    knotApi.getServiceForm = async () => ({
      chart: 'hello-kubernetes',
      chartVersion: '1.0.0',
      schema: { type: 'object', properties: { message: { type: 'string' } } },
      values: { message: 'Hi' },
    });
    knotApi.updateServiceValues = async () => {
      throw Object.assign(new Error('Request failed with 400'), {
        body: {
          error: { message: 'The chart refused these values: message: bad' },
        },
      });
    };
    renderInTestApp(<ServicesPage />, { apis: [[knotApiRef, knotApi]] });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Change values of hello' }),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Apply' }));
    expect(
      await screen.findByText('The chart refused these values: message: bad'),
    ).toBeInTheDocument();
    expect(screen.getByText('Change values of hello')).toBeInTheDocument();
  });

  it('formats ages', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(age('2026-01-01T23:59:30Z', now)).toBe('30s');
    expect(age('2026-01-01T22:00:00Z', now)).toBe('2h');
    expect(age('2025-12-30T00:00:00Z', now)).toBe('3d');
  });
});
