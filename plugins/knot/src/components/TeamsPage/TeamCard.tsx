import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  TEAM_ROLES,
  teamRoleMay,
  type KnotMyTeam,
  type TeamRole,
} from '@knot-platform/plugin-knot-common';
import { useState } from 'react';
import { knotApiRef } from '../../api/KnotApi';
import { teamsApiRef } from '../../api/TeamsApi';
import { ConfirmButton } from '../AdminPage/ConfirmButton';

type Run = (action: () => Promise<unknown>) => Promise<void>;

function RoleSelect(props: {
  label: string;
  value: TeamRole;
  onChange: (role: TeamRole) => void;
}) {
  return (
    <TextField
      select
      id={`knot-${props.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}
      size="small"
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value as TeamRole)}
      SelectProps={{ native: true }}
      inputProps={{ 'aria-label': props.label }}
    >
      {TEAM_ROLES.map(role => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </TextField>
  );
}

function InviteForm(props: { team: string; run: Run }) {
  const api = useApi(teamsApiRef);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<TeamRole>('member');
  return (
    <form
      aria-label={`Invite to ${props.team}`}
      onSubmit={async event => {
        event.preventDefault();
        await props.run(() => api.invite(props.team, username, role));
        setUsername('');
      }}
      style={{ display: 'flex', gap: 8, alignItems: 'center' }}
    >
      <TextField
        id={`knot-invite-${props.team}`}
        size="small"
        label="Username to invite"
        value={username}
        onChange={e => setUsername(e.target.value)}
      />
      <RoleSelect
        label={`Role of the invitee to ${props.team}`}
        value={role}
        onChange={setRole}
      />
      <Button type="submit" size="small" color="primary" variant="outlined">
        Invite
      </Button>
    </form>
  );
}

/**
 * One of the user's teams: members and roles (owners change them), pending
 * invitations, who has access and how, and a way to work as the team.
 */
export function TeamCard(props: { team: KnotMyTeam; me: string; run: Run }) {
  const { team, me, run } = props;
  const api = useApi(teamsApiRef);
  const knot = useApi(knotApiRef);
  const owner = teamRoleMay(team.role, 'manage');
  return (
    <section aria-label={`Team ${team.name}`}>
      <Typography variant="h6" component="h3">
        {team.name} <Chip size="small" label={`you: ${team.role}`} />
        {!team.active && (
          <Chip size="small" color="secondary" label="awaiting approval" />
        )}
      </Typography>
      <div style={{ display: 'flex', gap: 8, margin: '8px 0' }}>
        <Button
          size="small"
          variant="outlined"
          disabled={!team.active}
          onClick={() => {
            knot.selectProfile(team.name);
            window.location.assign('/knot/services');
          }}
        >
          Services as {team.name}
        </Button>
        <Button
          size="small"
          variant="outlined"
          disabled={!team.active}
          onClick={() => {
            knot.selectProfile(team.name);
            window.location.assign('/knot/datasets');
          }}
        >
          Datasets as {team.name}
        </Button>
        <Button size="small" href={`/catalog/default/group/${team.name}`}>
          Catalog group
        </Button>
      </div>
      <Table size="small" aria-label={`Members of ${team.name}`}>
        <TableHead>
          <TableRow>
            <TableCell>Member</TableCell>
            <TableCell>Role</TableCell>
            <TableCell>Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {team.members.map(member => (
            <TableRow key={member.username}>
              <TableCell>
                {member.username}
                {member.username === me ? ' (you)' : ''}
                {member.active ? '' : ' (deactivated)'}
              </TableCell>
              <TableCell>
                {owner ? (
                  <RoleSelect
                    label={`Role of ${member.username}`}
                    value={member.role}
                    onChange={role =>
                      run(() => api.setRole(team.name, member.username, role))
                    }
                  />
                ) : (
                  member.role
                )}
              </TableCell>
              <TableCell>
                {owner && member.username !== me && (
                  <>
                    {member.role !== 'owner' && member.active && (
                      <ConfirmButton
                        label="Make owner"
                        title={`Hand ${team.name} to ${member.username}?`}
                        onConfirm={() =>
                          run(() => api.transfer(team.name, member.username))
                        }
                      >
                        {member.username} becomes owner; you stay a member.
                      </ConfirmButton>
                    )}
                    <ConfirmButton
                      label="Remove"
                      title={`Remove ${member.username} from ${team.name}?`}
                      onConfirm={() =>
                        run(() => api.removeMember(team.name, member.username))
                      }
                    >
                      {member.username} loses access to the team's files,
                      services and namespace at once.
                    </ConfirmButton>
                  </>
                )}
                {member.username === me && (
                  <ConfirmButton
                    label="Leave"
                    title={`Leave ${team.name}?`}
                    onConfirm={() => run(() => api.leave(team.name))}
                  >
                    You lose access to the team's files, services and namespace
                    at once. The team's data stays.
                  </ConfirmButton>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {owner && (
        <div style={{ marginTop: 8 }}>
          <InviteForm team={team.name} run={run} />
          {team.invitations.map(invitation => (
            <Chip
              key={invitation.invitee}
              style={{ margin: 4 }}
              label={`invited: ${invitation.invitee} (${invitation.role})`}
              onDelete={() =>
                run(() => api.cancelInvitation(team.name, invitation.invitee))
              }
            />
          ))}
        </div>
      )}
      <Typography variant="subtitle2" component="h4" style={{ marginTop: 8 }}>
        Who has access
      </Typography>
      <Table size="small" aria-label={`Who has access to ${team.name}`}>
        <TableHead>
          <TableRow>
            <TableCell>User</TableCell>
            <TableCell>Portal (files, services)</TableCell>
            <TableCell>Namespace role</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {team.access.map(entry => (
            <TableRow key={entry.username}>
              <TableCell>{entry.username}</TableCell>
              <TableCell>{entry.portal}</TableCell>
              <TableCell>{entry.namespaceRole}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption">
        Knot admins may also act as the team.
      </Typography>
    </section>
  );
}
