import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { auditApiRef } from '../../api/AuditApi';
import { AuditTable } from './AuditTable';
import { useAuditPages } from './useAuditPages';

const NO_FILTER = {};

/**
 * What happened to the signed-in user's profiles (themself and their
 * teams), by them or by anyone else — an admin acting as them included.
 */
export function MyActivity() {
  const api = useApi(auditApiRef);
  const { entries, loading, error, more } = useAuditPages(api, NO_FILTER, {
    mine: true,
  });
  return (
    <>
      {error && (
        <Typography color="error" role="alert" paragraph>
          {error}
        </Typography>
      )}
      <AuditTable entries={entries} label="My activity" />
      {more && (
        <Button onClick={more} disabled={loading} style={{ marginTop: 8 }}>
          Load older entries
        </Button>
      )}
    </>
  );
}
