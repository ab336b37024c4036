import IconButton from '@material-ui/core/IconButton';
import Link from '@material-ui/core/Link';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Tooltip from '@material-ui/core/Tooltip';
import DeleteIcon from '@material-ui/icons/Delete';
import DownloadIcon from '@material-ui/icons/GetApp';
import EditIcon from '@material-ui/icons/Edit';
import FileIcon from '@material-ui/icons/InsertDriveFileOutlined';
import FolderIcon from '@material-ui/icons/Folder';
import LinkIcon from '@material-ui/icons/Link';
import type {
  FileEntry,
  FileSortKey,
  FileSortOrder,
} from '@knot-platform/plugin-knot-common';
import { formatBytes, formatDate } from './format';

const COLUMNS: { key: FileSortKey; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Name' },
  { key: 'size', label: 'Size', numeric: true },
  { key: 'modified', label: 'Modified' },
];

/** One page of a folder; the backend sorts (folders first). */
export function FileTable(props: {
  entries: FileEntry[];
  sort: FileSortKey;
  order: FileSortOrder;
  onSort: (key: FileSortKey) => void;
  onOpen: (entry: FileEntry) => void;
  onDownload: (entry: FileEntry) => void;
  onRename: (entry: FileEntry) => void;
  onDelete: (entry: FileEntry) => void;
}) {
  const {
    entries,
    sort,
    order,
    onSort,
    onOpen,
    onDownload,
    onRename,
    onDelete,
  } = props;
  return (
    <Table size="small" aria-label="Files">
      <TableHead>
        <TableRow>
          {COLUMNS.map(c => (
            <TableCell
              key={c.key}
              align={c.numeric ? 'right' : 'left'}
              sortDirection={sort === c.key ? order : false}
            >
              <TableSortLabel
                active={sort === c.key}
                direction={sort === c.key ? order : 'asc'}
                onClick={() => onSort(c.key)}
              >
                {c.label}
              </TableSortLabel>
            </TableCell>
          ))}
          <TableCell align="right">Actions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {entries.map(e => (
          <TableRow key={e.path} hover>
            <TableCell>
              <span
                style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }}
              >
                {e.type === 'directory' && (
                  <FolderIcon fontSize="small" color="primary" />
                )}
                {e.type === 'symlink' && <LinkIcon fontSize="small" />}
                {(e.type === 'file' || e.type === 'other') && (
                  <FileIcon fontSize="small" />
                )}
                {e.type === 'directory' ? (
                  <Link component="button" onClick={() => onOpen(e)}>
                    {e.name}
                  </Link>
                ) : (
                  e.name
                )}
              </span>
            </TableCell>
            <TableCell align="right">
              {e.type === 'file' ? formatBytes(e.size) : ''}
            </TableCell>
            <TableCell>{formatDate(e.modified)}</TableCell>
            <TableCell align="right">
              {(e.type === 'file' || e.type === 'directory') && (
                <Tooltip
                  title={
                    e.type === 'directory' ? 'Download as zip' : 'Download'
                  }
                >
                  <IconButton
                    size="small"
                    aria-label={`Download ${e.name}`}
                    onClick={() => onDownload(e)}
                  >
                    <DownloadIcon fontSize="small" />
                  </IconButton>
                </Tooltip>
              )}
              <Tooltip title="Rename">
                <IconButton
                  size="small"
                  aria-label={`Rename ${e.name}`}
                  onClick={() => onRename(e)}
                >
                  <EditIcon fontSize="small" />
                </IconButton>
              </Tooltip>
              <Tooltip title="Delete">
                <IconButton
                  size="small"
                  aria-label={`Delete ${e.name}`}
                  onClick={() => onDelete(e)}
                >
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </Tooltip>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
