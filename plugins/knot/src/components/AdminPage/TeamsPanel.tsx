import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { KnotTeam } from '@knot-platform/plugin-knot-common';
import { useState } from 'react';
import { knotApiRef } from '../../api/KnotApi';
import { ConfirmButton } from './ConfirmButton';

function AddMember(props: {
  team: string;
  run: (action: () => Promise<unknown>) => Promise<void>;
}) {
  const api = useApi(knotApiRef);
  const [username, setUsername] = useState('');
  return (
    <form
      aria-label={`Add a member to ${props.team}`}
      onSubmit={async event => {
        event.preventDefault();
        await props.run(() => api.addTeamMember(props.team, username));
        setUsername('');
      }}
    >
      <TextField
        id={`knot-add-member-${props.team}`}
        size="small"
        label={`New member of ${props.team}`}
        value={username}
        onChange={e => setUsername(e.target.value)}
      />
      <Button type="submit" size="small" color="primary">
        Add member
      </Button>
    </form>
  );
}

/** Teams: create, add/remove members, delete. */
export function TeamsPanel(props: {
  teams: KnotTeam[];
  run: (action: () => Promise<unknown>) => Promise<void>;
}) {
  const api = useApi(knotApiRef);
  const { teams, run } = props;
  const [name, setName] = useState('');
  return (
    <>
      <form
        aria-label="Create a team"
        onSubmit={async event => {
          event.preventDefault();
          await run(() => api.createTeam(name));
          setName('');
        }}
      >
        <TextField
          id="knot-team-name"
          size="small"
          label="Team name"
          value={name}
          onChange={e => setName(e.target.value)}
        />
        <Button type="submit" variant="contained" color="primary">
          Create team
        </Button>
      </form>
      {teams.map(team => (
        <section
          key={team.name}
          aria-label={`Team ${team.name}`}
          style={{ marginTop: 24 }}
        >
          <Typography variant="h6" component="h3">
            {team.name}{' '}
            {team.ownerless && (
              <Chip
                size="small"
                color="secondary"
                label="no active owner"
                title="Nobody can manage this team: make a member owner or delete it"
              />
            )}
            {team.active === false && (
              <Chip size="small" label="awaiting approval" />
            )}
          </Typography>
          {team.active === false && (
            <Button
              size="small"
              color="primary"
              onClick={() => run(() => api.approveTeam(team.name))}
            >
              Approve team
            </Button>
          )}
          <div>
            {team.members.length === 0 && (
              <Typography variant="body2">No members yet.</Typography>
            )}
            {team.members.map(member => (
              <Chip
                key={member}
                label={
                  // Plain members as before; owners and viewers say so.
                  team.roles?.[member] && team.roles[member] !== 'member'
                    ? `${member} (${team.roles[member]})`
                    : member
                }
                style={{ margin: 4 }}
                onDelete={() =>
                  run(() => api.removeTeamMember(team.name, member))
                }
              />
            ))}
          </div>
          <AddMember team={team.name} run={run} />
          <ConfirmButton
            label="Delete team"
            title={`Delete team ${team.name}?`}
            onConfirm={() => run(() => api.deleteTeam(team.name))}
          >
            Members lose access to the team's profile. This cannot be undone.
          </ConfirmButton>
        </section>
      ))}
    </>
  );
}
