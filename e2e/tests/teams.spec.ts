import { expect, FIRST_ADMIN, test } from '../fixtures';

/**
 * Self-service teams in the browser: a user creates a team from the
 * sidebar's Teams page and invites another, who accepts; the owner makes
 * the member a viewer; the member leaves. The "who has access" list follows
 * each step (the backend's suites check the RoleBindings and refusals).
 */
test('a user creates a team, invites, and the invitee accepts, then leaves', async ({
  signInAsNewUser,
  signIn,
}) => {
  // Page loads are slow on a loaded machine (identity.spec.ts does the same).
  test.setTimeout(240_000);
  const alice = await signInAsNewUser('alice');
  // The invitee: the first admin, an active user like any other here.
  const bob = await signIn(FIRST_ADMIN.username, FIRST_ADMIN.password);
  const bobUser = FIRST_ADMIN.username;
  const team = `team-${Date.now().toString(36)}`;

  await alice.goto('/knot');
  await alice.getByRole('link', { name: 'Teams' }).click();
  await alice.getByLabel('New team name').fill(team);
  await alice.getByRole('button', { name: 'Create team' }).click();
  const card = alice.getByRole('region', { name: `Team ${team}` });
  await expect(card).toContainText('you: owner');
  await card.getByLabel('Username to invite').fill(bobUser);
  await card.getByRole('button', { name: 'Invite' }).click();
  await expect(card).toContainText(`invited: ${bobUser} (member)`);

  await bob.goto('/knot/teams');
  const invitation = bob.getByRole('group', { name: `Invitation to ${team}` });
  await invitation.getByRole('button', { name: 'Accept' }).click();
  const bobCard = bob.getByRole('region', { name: `Team ${team}` });
  await expect(bobCard).toContainText('you: member');

  await alice.reload();
  const access = card.getByRole('table', { name: `Who has access to ${team}` });
  await expect(
    access.getByRole('row', { name: new RegExp(bobUser) }),
  ).toContainText('fulledit');
  await card.getByLabel(`Role of ${bobUser}`).selectOption('viewer');
  await expect(
    access.getByRole('row', { name: new RegExp(bobUser) }),
  ).toContainText('read-onlyview');

  await bob.reload();
  await bobCard.getByRole('button', { name: 'Leave' }).click();
  await bob.getByRole('dialog').getByRole('button', { name: 'Leave' }).click();
  await expect(bob.getByText('You are not in any team yet.')).toBeVisible();
  await alice.reload();
  await expect(access).not.toContainText(bobUser);
});
