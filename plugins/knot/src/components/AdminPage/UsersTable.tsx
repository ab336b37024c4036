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

/** What deleting a user removes, said before it is done. */
function DeletionConsequences(props: { username: string }) {
  const { username } = props;
  return (
    <>
      <p>Deleting {username} removes:</p>
      <ul>
        <li>the account and its team memberships;</li>
        <li>
          the namespace of {username} with everything in it: every service (helm
          release), its pods, volumes claims and secrets;
        </li>
        <li>the volumes of {username}'s private and shared folders.</li>
      </ul>
      <p>
        The files of the private folder stay on the storage (unless the portal
        is configured to delete them); an admin can delete them later. This
        cannot be undone. To suspend {username} and keep everything, use
        Deactivate instead.
      </p>
    </>
  );
}

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
                    title={
                      user.active
                        ? 'Suspend: sign-in refused, services stopped; namespace, services and data are kept'
                        : undefined
                    }
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
                    <DeletionConsequences username={user.username} />
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
