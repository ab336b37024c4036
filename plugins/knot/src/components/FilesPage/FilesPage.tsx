import { Content, CopyTextButton, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  containerPath,
  type FileDomain,
  type FileEntry,
  type FileSortKey,
  type FileSortOrder,
} from '@knot-platform/plugin-knot-common';
import Box from '@material-ui/core/Box';
import Breadcrumbs from '@material-ui/core/Breadcrumbs';
import Button from '@material-ui/core/Button';
import Link from '@material-ui/core/Link';
import Paper from '@material-ui/core/Paper';
import Tab from '@material-ui/core/Tab';
import TablePagination from '@material-ui/core/TablePagination';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import CreateNewFolderIcon from '@material-ui/icons/CreateNewFolder';
import UploadIcon from '@material-ui/icons/CloudUpload';
import { useCallback, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { filesApiRef } from '../../api/FilesApi';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog';
import { droppedFiles, pickedFiles, type PickedFile } from './droppedFiles';
import { FileTable } from './FileTable';
import { joinPath } from './format';
import { NameDialog } from './NameDialog';
import { UploadList } from './UploadList';
import { useUploads } from './useUploads';
import { errorMessage } from '../../api/errorMessage';

const PAGE_SIZE = 100;

/**
 * The file browser: the acting profile's private folder and the shared
 * folder, as they appear in containers under /private and /shared.
 */
export function FilesPage() {
  const api = useApi(filesApiRef);
  const [domain, setDomain] = useState<FileDomain>('private');
  const [path, setPath] = useState('');
  const [sort, setSort] = useState<FileSortKey>('name');
  const [order, setOrder] = useState<FileSortOrder>('asc');
  const [page, setPage] = useState(0);
  const [error, setError] = useState<string>();
  const [dragging, setDragging] = useState(false);
  const [newFolder, setNewFolder] = useState(false);
  const [renaming, setRenaming] = useState<FileEntry>();
  const [deleting, setDeleting] = useState<FileEntry>();
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  // A refresh is a new listing even while one is loading (useAsyncRetry's
  // retry is a no-op then: an upload finishing during the first listing
  // would never show).
  const [version, setVersion] = useState(0);
  const listing = useAsync(
    () =>
      api.list(domain, path, {
        sort,
        order,
        offset: page * PAGE_SIZE,
        limit: PAGE_SIZE,
      }),
    [api, domain, path, sort, order, page, version],
  );
  const refresh = useCallback(() => setVersion(v => v + 1), []);
  const { uploads, start, cancel, clearFinished } = useUploads(
    api,
    useCallback(() => refresh(), [refresh]),
  );

  const go = (nextDomain: FileDomain, nextPath: string) => {
    setDomain(nextDomain);
    setPath(nextPath);
    setPage(0);
    setError(undefined);
  };
  const act = async (what: () => Promise<void>) => {
    setError(undefined);
    try {
      await what();
    } catch (e) {
      setError(errorMessage(e));
    }
    refresh();
  };
  const upload = (files: PickedFile[]) => {
    if (files.length) start(domain, path, files);
  };

  const names = path ? path.split('/') : [];
  const shownPath = containerPath(domain, path);

  return (
    <Content>
      <Tabs
        value={domain}
        onChange={(_e, value) => go(value, '')}
        indicatorColor="primary"
        aria-label="Folder"
      >
        <Tab value="private" label="Private" />
        <Tab value="shared" label="Shared" />
      </Tabs>
      <Box
        display="flex"
        alignItems="center"
        justifyContent="space-between"
        my={2}
      >
        <Box display="flex" alignItems="center">
          <Breadcrumbs aria-label="Path">
            <Link component="button" onClick={() => go(domain, '')}>
              {domain}
            </Link>
            {names.map((name, i) => (
              <Link
                key={i}
                component="button"
                onClick={() => go(domain, names.slice(0, i + 1).join('/'))}
              >
                {name}
              </Link>
            ))}
          </Breadcrumbs>
          <Box ml={2} display="flex" alignItems="center">
            <Typography
              variant="body2"
              color="textSecondary"
              data-testid="container-path"
            >
              In containers: <code>{shownPath}</code>
            </Typography>
            <CopyTextButton
              text={shownPath}
              tooltipText="Path copied"
              aria-label="Copy path"
            />
          </Box>
        </Box>
        <Box display="flex" style={{ gap: 8 }}>
          <Button
            variant="contained"
            color="primary"
            startIcon={<UploadIcon />}
            onClick={() => fileInput.current?.click()}
          >
            Upload files
          </Button>
          <Button
            variant="outlined"
            onClick={() => folderInput.current?.click()}
          >
            Upload folder
          </Button>
          <Button
            variant="outlined"
            startIcon={<CreateNewFolderIcon />}
            onClick={() => setNewFolder(true)}
          >
            New folder
          </Button>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            data-testid="upload-input"
            onChange={e => {
              upload(pickedFiles(e.target.files));
              e.target.value = '';
            }}
          />
          <input
            ref={folderInput}
            type="file"
            hidden
            {...{ webkitdirectory: '', directory: '' }}
            onChange={e => {
              upload(pickedFiles(e.target.files));
              e.target.value = '';
            }}
          />
        </Box>
      </Box>

      <UploadList uploads={uploads} onCancel={cancel} onClear={clearFinished} />
      {(error || listing.error) && (
        <Box mb={2} role="alert">
          <Typography color="error">
            {error ?? (listing.error && errorMessage(listing.error))}
          </Typography>
        </Box>
      )}

      <Paper
        variant="outlined"
        data-testid="drop-zone"
        style={dragging ? { outline: '2px dashed #1976d2' } : undefined}
        onDragOver={e => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={async e => {
          e.preventDefault();
          setDragging(false);
          upload(await droppedFiles(e.dataTransfer));
        }}
      >
        {listing.loading && !listing.value && <Progress />}
        {listing.value && listing.value.total === 0 && (
          <Box p={6} textAlign="center">
            <Typography variant="h6">This folder is empty</Typography>
            <Typography color="textSecondary">
              Drop files or folders here, or use Upload files.
            </Typography>
          </Box>
        )}
        {listing.value && listing.value.total > 0 && (
          <>
            <FileTable
              entries={listing.value.entries}
              sort={sort}
              order={order}
              onSort={key => {
                setOrder(key === sort && order === 'asc' ? 'desc' : 'asc');
                setSort(key);
                setPage(0);
              }}
              onOpen={e => go(domain, e.path)}
              onDownload={e =>
                act(() =>
                  api.download(
                    domain,
                    e.path,
                    e.type === 'directory' ? 'zip' : 'file',
                  ),
                )
              }
              onRename={setRenaming}
              onDelete={setDeleting}
            />
            {listing.value.total > PAGE_SIZE && (
              <TablePagination
                component="div"
                count={listing.value.total}
                page={page}
                rowsPerPage={PAGE_SIZE}
                rowsPerPageOptions={[PAGE_SIZE]}
                onPageChange={(_e, p) => setPage(p)}
              />
            )}
          </>
        )}
      </Paper>

      <NameDialog
        open={newFolder}
        title="New folder"
        action="Create"
        onCancel={() => setNewFolder(false)}
        onSubmit={name => {
          setNewFolder(false);
          act(() => api.mkdir(domain, joinPath(path, name)));
        }}
      />
      <NameDialog
        open={!!renaming}
        title={`Rename ${renaming?.name ?? ''}`}
        action="Rename"
        initial={renaming?.name}
        onCancel={() => setRenaming(undefined)}
        onSubmit={name => {
          const entry = renaming!;
          setRenaming(undefined);
          act(() => api.rename(domain, entry.path, joinPath(path, name)));
        }}
      />
      <ConfirmDeleteDialog
        entry={deleting}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => {
          const entry = deleting!;
          setDeleting(undefined);
          act(() => api.remove(domain, entry.path));
        }}
      />
    </Content>
  );
}
