import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import type { KnotUser } from '@knot-platform/plugin-knot-common';
import { knotApiRef } from '../../api/KnotApi';
import { ConfirmButton } from './ConfirmButton';

/** Users: approve/deactivate, admin rights, impersonation, deletion. */
export function UsersTable(props: {
  users: KnotUser[];
  me: string;
  run: (action: () => Promise<unknown>) => Promise<void>;
}) {
  const api = useApi(knotApiRef);
  const { users, me, run } = props;
  return (
    <Table size="small" aria-label="Users">
      <TableHead>
        <TableRow>
          <TableCell>Username</TableCell>
          <TableCell>E-mail</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Role</TableCell>
          <TableCell>Actions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {users.map(user => (
          <TableRow key={user.username} data-testid={`user-${user.username}`}>
            <TableCell>{user.username}</TableCell>
            <TableCell>{user.email ?? ''}</TableCell>
            <TableCell>
              {user.active ? 'active' : 'awaiting approval'}
            </TableCell>
            <TableCell>{user.admin ? 'admin' : 'user'}</TableCell>
            <TableCell>
              {user.username !== me && (
                <>
                  <Button
                    size="small"
                    color="primary"
                    onClick={() =>
                      run(() =>
                        api.updateUser(user.username, { active: !user.active }),
                      )
                    }
                  >
                    {user.active ? 'Deactivate' : 'Approve'}
                  </Button>
                  <Button
                    size="small"
                    onClick={() =>
                      run(() =>
                        api.updateUser(user.username, { admin: !user.admin }),
                      )
                    }
                  >
                    {user.admin ? 'Remove admin' : 'Make admin'}
                  </Button>
                  {user.active && (
                    <Button
                      size="small"
                      onClick={() =>
                        run(async () => api.selectProfile(user.username))
                      }
                    >
                      Impersonate
                    </Button>
                  )}
                  <ConfirmButton
                    label="Delete"
                    title={`Delete ${user.username}?`}
                    onConfirm={() => run(() => api.deleteUser(user.username))}
                  >
                    The account goes with its team memberships. This cannot be
                    undone.
                  </ConfirmButton>
                </>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
