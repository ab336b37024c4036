import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Content, CopyTextButton } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  KnotImageRepository,
  KnotImageTag,
} from '@knot-platform/plugin-knot-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import DialogContentText from '@material-ui/core/DialogContentText';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { imagesApiRef } from '../../api/ImagesApi';
import { useConfirmedDelete } from '../../hooks/useConfirmedDelete';
import { ConfirmDeleteDialog } from '../ConfirmDeleteDialog';
import { firstLoadView } from '../FirstLoad';
import { formatBytes, formatDate } from '../FilesPage/format';
import { UploadImageDialog } from './UploadImageDialog';

const PAGE_SIZE = 20;

/** What an admin deletes: a tag, or a whole repository. */
interface Deletion {
  repository: string;
  tag?: string;
}

/**
 * The container registry as the acting profile sees it: the shared area
 * and its own, every tag with digest, size, platform, creation time and the
 * reference to pull; filter and pages; upload of exported images; delete
 * for admins only.
 */
export function ImagesPage() {
  const api = useApi(imagesApiRef);
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const [uploading, setUploading] = useState(false);
  const list = useAsyncRetry(
    () =>
      api.listImages({ filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE }),
    [api, filter, page],
  );
  const { deleting, ask, cancel, confirm, error } = useConfirmedDelete(
    (d: Deletion) => api.deleteImage(d.repository, d.tag),
    list.retry,
  );

  const firstLoad = firstLoadView(list, 'Could not list the images');
  if (firstLoad) return firstLoad;
  const value = list.value!;
  const rows = value.items.flatMap((r: KnotImageRepository) =>
    r.tags.map((t: KnotImageTag, i: number) => ({ r, t, first: i === 0 })),
  );
  return (
    <Content>
      <Typography paragraph>
        Container images of the registry <code>{value.registry}</code>: the
        shared ones and your own (<code>{value.uploadAreas.profile}/</code>).
        Use an image's reference in a service to run it.
      </Typography>
      <Box display="flex" alignItems="center" mb={2}>
        <Button
          color="primary"
          variant="contained"
          onClick={() => setUploading(true)}
        >
          Upload image
        </Button>
        <TextField
          label="Filter"
          value={filter}
          onChange={e => {
            setFilter(e.target.value);
            setPage(0);
          }}
          style={{ marginLeft: 16 }}
          inputProps={{ 'aria-label': 'Filter images' }}
        />
      </Box>
      {rows.length === 0 && <Typography>No images yet.</Typography>}
      {rows.length > 0 && (
        <Table aria-label="Images" size="small">
          <TableHead>
            <TableRow>
              <TableCell>Repository</TableCell>
              <TableCell>Tag</TableCell>
              <TableCell>Digest</TableCell>
              <TableCell>Size</TableCell>
              <TableCell>Platform</TableCell>
              <TableCell>Created</TableCell>
              <TableCell>Reference</TableCell>
              {value.canDelete && <TableCell />}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(({ r, t, first }) => (
              <TableRow key={`${r.repository}:${t.tag}`}>
                <TableCell>
                  {first && (
                    <>
                      {r.repository}
                      {r.area === 'shared' && (
                        <Chip size="small" label="shared" variant="outlined" />
                      )}
                      {value.canDelete && (
                        <Button
                          size="small"
                          color="secondary"
                          aria-label={`Delete repository ${r.repository}`}
                          onClick={() => ask({ repository: r.repository })}
                        >
                          Delete all
                        </Button>
                      )}
                    </>
                  )}
                </TableCell>
                <TableCell>{t.tag}</TableCell>
                <TableCell>
                  <code title={t.digest}>{t.digest.slice(7, 19)}</code>
                </TableCell>
                <TableCell>
                  {t.size !== undefined ? formatBytes(t.size) : ''}
                </TableCell>
                <TableCell>{t.platforms.join(', ')}</TableCell>
                <TableCell>{t.created ? formatDate(t.created) : ''}</TableCell>
                <TableCell>
                  <code>{t.reference}</code>
                  <CopyTextButton
                    text={t.reference}
                    tooltipText="Reference copied"
                    aria-label={`Copy the reference of ${r.repository}:${t.tag}`}
                  />
                </TableCell>
                {value.canDelete && (
                  <TableCell align="right">
                    <Button
                      size="small"
                      color="secondary"
                      aria-label={`Delete ${r.repository}:${t.tag}`}
                      onClick={() =>
                        ask({ repository: r.repository, tag: t.tag })
                      }
                    >
                      Delete
                    </Button>
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {value.total > PAGE_SIZE && (
        <TablePagination
          component="div"
          count={value.total}
          page={page}
          rowsPerPage={PAGE_SIZE}
          rowsPerPageOptions={[PAGE_SIZE]}
          onPageChange={(_e, p) => setPage(p)}
        />
      )}
      {uploading && (
        <UploadImageDialog
          areas={value.uploadAreas}
          registry={value.registry}
          browserPushUrl={value.browserPushUrl}
          onClose={() => setUploading(false)}
          onUploaded={() => {
            setUploading(false);
            list.retry();
          }}
        />
      )}
      <ConfirmDeleteDialog
        open={!!deleting}
        title={
          <>
            Delete{' '}
            {deleting?.tag
              ? `${deleting.repository}:${deleting.tag}`
              : `every image of ${deleting?.repository}`}
            ?
          </>
        }
        error={error}
        onCancel={cancel}
        onConfirm={confirm}
      >
        <DialogContentText>
          Services that use it can no longer pull it.
        </DialogContentText>
      </ConfirmDeleteDialog>
    </Content>
  );
}
