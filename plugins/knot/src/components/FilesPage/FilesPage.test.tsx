import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { FileListing } from '@knot-platform/plugin-knot-common';
import { filesApiRef, type FilesApi } from '../../api/FilesApi';
import { FilesPage } from './FilesPage';

function listing(
  path: string,
  names: [string, 'file' | 'directory'][],
): FileListing {
  return {
    domain: 'private',
    path,
    entries: names.map(([name, type]) => ({
      name,
      type,
      path: path ? `${path}/${name}` : name,
      size: type === 'file' ? 2048 : 0,
      modified: '2026-01-01T00:00:00.000Z',
    })),
    total: names.length,
    offset: 0,
    limit: 100,
  };
}

function fakeApi(overrides: Partial<FilesApi> = {}): FilesApi {
  return {
    list: jest.fn(async (_d, path) =>
      path === ''
        ? listing('', [
            ['data', 'directory'],
            ['notes.txt', 'file'],
          ])
        : listing(path, []),
    ),
    upload: jest.fn(),
    download: jest.fn(async () => {}),
    mkdir: jest.fn(async () => {}),
    rename: jest.fn(async () => {}),
    remove: jest.fn(async () => {}),
    ...overrides,
  };
}

// The first render loads the whole app frame: slow on a busy machine.
jest.setTimeout(30_000);

describe('FilesPage', () => {
  it('lists a folder, opens sub-folders and shows the in-container path', async () => {
    const api = fakeApi();
    await renderInTestApp(<FilesPage />, { apis: [[filesApiRef, api]] });
    expect(await screen.findByText('notes.txt')).toBeInTheDocument();
    expect(screen.getByText('2.0 KiB')).toBeInTheDocument();
    expect(screen.getByTestId('container-path')).toHaveTextContent('/private');

    fireEvent.click(screen.getByRole('button', { name: 'data' }));
    expect(await screen.findByText('This folder is empty')).toBeInTheDocument();
    expect(screen.getByTestId('container-path')).toHaveTextContent(
      '/private/data',
    );
    expect(api.list).toHaveBeenLastCalledWith(
      'private',
      'data',
      expect.anything(),
    );

    fireEvent.click(screen.getByRole('tab', { name: 'Shared' }));
    await waitFor(() =>
      expect(api.list).toHaveBeenLastCalledWith(
        'shared',
        '',
        expect.anything(),
      ),
    );
  });

  it('sorts by a column through the backend', async () => {
    const api = fakeApi();
    await renderInTestApp(<FilesPage />, { apis: [[filesApiRef, api]] });
    await screen.findByText('notes.txt');
    fireEvent.click(screen.getByRole('button', { name: 'Size' }));
    await waitFor(() =>
      expect(api.list).toHaveBeenLastCalledWith(
        'private',
        '',
        expect.objectContaining({ sort: 'size', order: 'asc' }),
      ),
    );
  });

  it('deletes only after confirmation and shows backend errors', async () => {
    const api = fakeApi({
      remove: jest.fn(async () => {
        throw new Error('/private/notes.txt does not exist');
      }),
    });
    await renderInTestApp(<FilesPage />, { apis: [[filesApiRef, api]] });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Delete notes.txt' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/cannot be undone/)).toBeInTheDocument();
    expect(api.remove).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      '/private/notes.txt does not exist',
    );
    expect(api.remove).toHaveBeenCalledWith('private', 'notes.txt');
  });

  it('shows upload progress and cancels', async () => {
    let report: (sent: number, total: number) => void = () => {};
    const cancel = jest.fn();
    const api = fakeApi({
      upload: jest.fn((_d, _f, _file, _name, onProgress) => {
        report = onProgress;
        return { done: new Promise(() => {}), cancel };
      }),
    });
    await renderInTestApp(<FilesPage />, { apis: [[filesApiRef, api]] });
    await screen.findByText('notes.txt');
    const file = new File(['x'.repeat(1000)], 'big.bin');
    fireEvent.change(screen.getByTestId('upload-input'), {
      target: { files: [file] },
    });
    await waitFor(() => expect(api.upload).toHaveBeenCalled());
    report(500, 1000);
    expect(await screen.findByText(/50% of/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(cancel).toHaveBeenCalled();
  });
});
