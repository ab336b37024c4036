import { useApi } from '@backstage/frontend-plugin-api';
import {
  AUDIT_ACTION_NAMES,
  type AuditAction,
  type KnotAuditQuery,
} from '@knot-platform/plugin-knot-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { auditApiRef } from '../../api/AuditApi';
import { errorMessage } from '../../api/errorMessage';
import { AuditTable } from './AuditTable';
import { useAuditPages } from './useAuditPages';

/** A `datetime-local` value as ISO 8601 (local time), or undefined. */
const isoOf = (local: string) =>
  local ? new Date(local).toISOString() : undefined;

/** Saves a blob under a file name (the browser's download). */
function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * The Admin page's audit log: every entry, filtered by user, profile,
 * action and time, pages of 50, and the filtered log exported as CSV or
 * JSON lines.
 */
export function AuditPanel() {
  const api = useApi(auditApiRef);
  const [form, setForm] = useState({
    user: '',
    profile: '',
    action: '',
    from: '',
    to: '',
  });
  const [query, setQuery] = useState<KnotAuditQuery>({});
  const [exportError, setExportError] = useState<string>();
  const { entries, loading, error, more } = useAuditPages(api, query);

  const field = (name: keyof typeof form) => ({
    id: `knot-audit-${name}`,
    value: form[name],
    onChange: (event: React.ChangeEvent<{ value: unknown }>) =>
      setForm({ ...form, [name]: String(event.target.value) }),
  });

  const exportAs = async (format: 'csv' | 'json') => {
    setExportError(undefined);
    try {
      const blob = await api.exportLog(query, format);
      download(blob, `knot-audit.${format === 'csv' ? 'csv' : 'jsonl'}`);
    } catch (e) {
      setExportError(errorMessage(e));
    }
  };

  return (
    <>
      <Box
        component="form"
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 16 }}
        mb={2}
        onSubmit={(event: React.FormEvent) => {
          event.preventDefault();
          setQuery({
            user: form.user || undefined,
            profile: form.profile || undefined,
            action: (form.action || undefined) as AuditAction | undefined,
            from: isoOf(form.from),
            to: isoOf(form.to),
          });
        }}
      >
        <TextField label="User" size="small" {...field('user')} />
        <TextField label="Profile" size="small" {...field('profile')} />
        <TextField
          select
          label="Action"
          size="small"
          style={{ minWidth: 200 }}
          {...field('action')}
        >
          <MenuItem value="">Any action</MenuItem>
          {AUDIT_ACTION_NAMES.map(action => (
            <MenuItem key={action} value={action}>
              {action}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          label="From"
          type="datetime-local"
          size="small"
          InputLabelProps={{ shrink: true }}
          {...field('from')}
        />
        <TextField
          label="To"
          type="datetime-local"
          size="small"
          InputLabelProps={{ shrink: true }}
          {...field('to')}
        />
        <Button type="submit" variant="contained" color="primary">
          Filter
        </Button>
        <Button variant="outlined" onClick={() => exportAs('csv')}>
          Export CSV
        </Button>
        <Button variant="outlined" onClick={() => exportAs('json')}>
          Export JSON
        </Button>
      </Box>
      {(error || exportError) && (
        <Typography color="error" role="alert" paragraph>
          {error ?? exportError}
        </Typography>
      )}
      <AuditTable entries={entries} label="Audit log" />
      {more && (
        <Button onClick={more} disabled={loading} style={{ marginTop: 8 }}>
          Load older entries
        </Button>
      )}
    </>
  );
}
