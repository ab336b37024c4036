import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type {
  KnotDataset,
  KnotS3DatasetRequest,
} from '@knot-platform/plugin-knot-common';
import { datasetsApiRef, type DatasetsApi } from '../../api/DatasetsApi';
import { DatasetsPage } from './DatasetsPage';

const data: KnotDataset = {
  name: 'data',
  type: 's3',
  endpoint: 'http://127.0.0.1:8333',
  bucket: 'bucket',
  prefix: '',
  region: '',
  readOnly: true,
  shared: false,
  status: 'error',
  reason: 'No useable secret provided for authentication',
  mountPath: '/mnt/datasets/data',
  mountedBy: ['hello'],
};
const shared: KnotDataset = {
  ...data,
  name: 'common',
  shared: true,
  status: 'ready',
  reason: undefined,
  mountPath: '/mnt/datasets/common',
  mountedBy: [],
};

/** A fake of the backend (the real one: datasetsRouter.cluster.test). */
function fakeApi(items: KnotDataset[], available = true) {
  const created: KnotS3DatasetRequest[] = [];
  const api: DatasetsApi = {
    listDatasets: async () => ({
      available,
      message: available ? undefined : 'Datashim is not installed',
      items: [...items],
    }),
    testDataset: jest.fn(async request => {
      if (request.secretKey !== 'right') {
        throw new Error('Access denied: the secret key does not match');
      }
      return {
        ok: true as const,
        objectCount: 2,
        truncated: false,
        message: 'Connected: bucket holds 2 objects',
      };
    }),
    createDataset: jest.fn(async request => {
      created.push(request);
      const dataset = {
        ...data,
        name: request.name,
        mountPath: `/mnt/datasets/${request.name}`,
        mountedBy: [],
      };
      items.push(dataset);
      return dataset;
    }),
    deleteDataset: jest.fn(async name => {
      items.splice(
        items.findIndex(d => d.name === name),
        1,
      );
    }),
  };
  return { api, created };
}

jest.setTimeout(60_000);

describe('DatasetsPage', () => {
  it("lists datasets with their status, Datashim's reason and path; shared ones cannot be deleted", async () => {
    const { api } = fakeApi([shared, data]);
    renderInTestApp(<DatasetsPage />, { apis: [[datasetsApiRef, api]] });
    expect(await screen.findByText('/mnt/datasets/data')).toBeInTheDocument();
    expect(
      screen.getByText('No useable secret provided for authentication'),
    ).toBeInTheDocument();
    expect(screen.getByText('shared')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Copy the path of data' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete data' })).toBeEnabled();
    expect(
      screen.queryByRole('button', { name: 'Delete common' }),
    ).not.toBeInTheDocument();
  });

  it('tests the connection, shows why it failed, then saves', async () => {
    const { api, created } = fakeApi([]);
    renderInTestApp(<DatasetsPage />, { apis: [[datasetsApiRef, api]] });
    fireEvent.click(await screen.findByRole('button', { name: 'New dataset' }));
    const type = (label: RegExp, value: string) =>
      fireEvent.change(screen.getByLabelText(label), { target: { value } });
    type(/^Name/, 'mine');
    type(/^Endpoint/, 'http://127.0.0.1:8333');
    type(/^Bucket/, 'bucket');
    type(/^Access key/, 'key');
    type(/^Secret key/, 'wrong');
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByText(/^Access denied/)).toBeInTheDocument();
    type(/^Secret key/, 'right');
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(
      await screen.findByText('Connected: bucket holds 2 objects'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('/mnt/datasets/mine')).toBeInTheDocument();
    expect(created).toEqual([
      {
        name: 'mine',
        type: 's3',
        endpoint: 'http://127.0.0.1:8333',
        bucket: 'bucket',
        prefix: '',
        region: '',
        accessKey: 'key',
        secretKey: 'right',
        readOnly: true,
      },
    ]);
  });

  it('warns which services mount a dataset before deleting it', async () => {
    const { api } = fakeApi([data]);
    renderInTestApp(<DatasetsPage />, { apis: [[datasetsApiRef, api]] });
    fireEvent.click(await screen.findByRole('button', { name: 'Delete data' }));
    expect(
      await screen.findByText(/hello use this dataset/),
    ).toBeInTheDocument();
    expect(api.deleteDataset).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm delete' }));
    await waitFor(() => expect(api.deleteDataset).toHaveBeenCalledWith('data'));
    expect(await screen.findByText('No datasets yet.')).toBeInTheDocument();
  });

  it('is disabled with the reason when Datashim is missing', async () => {
    const { api } = fakeApi([], false);
    renderInTestApp(<DatasetsPage />, { apis: [[datasetsApiRef, api]] });
    expect(
      await screen.findByText('Datashim is not installed'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New dataset' })).toBeDisabled();
  });
});
