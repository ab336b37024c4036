import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ProfileQuota } from '@knot-platform/plugin-knot-common';
import { quotaResourceLabel } from '@knot-platform/plugin-knot-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { errorMessage } from '../../api/errorMessage';
import { usePolled } from '../../hooks/usePolled';
import { quotasApiRef } from '../../api/QuotasApi';
import { RefreshFailed } from '../FirstLoad';
import { describeUsage } from '../QuotaUsage/QuotaBar';
import { QUOTA_REFRESH_MS } from '../QuotaUsage/QuotaUsage';
import { QuotaOverridesDialog } from './QuotaOverridesDialog';

/** `profile`, or a resource: sorted by the share of its limit used. */
type SortKey = string;

/** The share used of a resource: 0…1; -1 without a limit (sorts first). */
function shareOf(quota: ProfileQuota, resource: string): number {
  const usage = quota.resources.find(r => r.resource === resource);
  return usage ? describeUsage(usage).share ?? -1 : -1;
}

/**
 * Every profile's quota and usage for admins: one column per resource
 * ("used / limit"), sortable by name or by how full a resource is; Edit
 * sets the profile's overrides.
 */
export function QuotasPanel() {
  const api = useApi(quotasApiRef);
  const state = usePolled(() => api.listQuotas(), [api], QUOTA_REFRESH_MS);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({
    key: 'profile',
    desc: false,
  });
  const [editing, setEditing] = useState<ProfileQuota>();

  if (!state.value) {
    return state.error ? (
      <Typography color="error" role="alert">
        Could not list the quotas: {errorMessage(state.error)}
      </Typography>
    ) : (
      <Progress />
    );
  }
  const { items, resources } = state.value;
  const sorted = [...items].sort((a, b) => {
    const order =
      sort.key === 'profile'
        ? a.profile.localeCompare(b.profile)
        : shareOf(a, sort.key) - shareOf(b, sort.key) ||
          a.profile.localeCompare(b.profile);
    return sort.desc ? -order : order;
  });
  const header = (key: SortKey, label: string) => (
    <TableCell
      key={key}
      sortDirection={sort.key === key && (sort.desc ? 'desc' : 'asc')}
    >
      <TableSortLabel
        active={sort.key === key}
        direction={sort.key === key && sort.desc ? 'desc' : 'asc'}
        onClick={() =>
          setSort({
            key,
            desc: sort.key === key ? !sort.desc : key !== 'profile',
          })
        }
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );

  return (
    <>
      <RefreshFailed state={state} what="the quotas" />
      <Table size="small" aria-label="Quotas">
        <TableHead>
          <TableRow>
            {header('profile', 'Profile')}
            {resources.map(r => header(r, quotaResourceLabel(r)))}
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {sorted.map(quota => (
            <TableRow key={quota.profile}>
              <TableCell>
                {quota.profile}
                {quota.isTeam && (
                  <>
                    {' '}
                    <Chip size="small" label="team" />
                  </>
                )}
              </TableCell>
              {resources.map(resource => {
                const usage = quota.resources.find(
                  r => r.resource === resource,
                );
                const overridden = resource in quota.overrides;
                return (
                  <TableCell key={resource}>
                    {usage ? describeUsage(usage).text : '—'}
                    {overridden && ' *'}
                  </TableCell>
                );
              })}
              <TableCell>
                <Button
                  size="small"
                  color="primary"
                  aria-label={`Edit the quota of ${quota.profile}`}
                  onClick={() => setEditing(quota)}
                >
                  Edit
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption">
        * set for this profile by an admin; the others come from app-config.
      </Typography>
      {editing && (
        <QuotaOverridesDialog
          quota={editing}
          resources={resources}
          save={overrides => api.setQuotaOverrides(editing.profile, overrides)}
          onClose={saved => {
            setEditing(undefined);
            if (saved) state.retry();
          }}
        />
      )}
    </>
  );
}
