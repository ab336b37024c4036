import { StoreProfileSource } from './StoreProfileSource';

describe('StoreProfileSource', () => {
  it('lists approved store profiles (deactivated ones inactive) and the static ones, store winning', async () => {
    const source = new StoreProfileSource(
      {
        listApprovedProfiles: async () => [
          { name: 'alice', team: false, active: true },
          { name: 'bob', team: false, active: false },
          { name: 'lab', team: true, active: true },
        ],
        // A deactivated member keeps the role but gets no RoleBinding.
        membersOf: async (team: string) =>
          team === 'lab'
            ? [
                { username: 'alice', role: 'owner' as const, active: true },
                { username: 'bob', role: 'viewer' as const, active: false },
                { username: 'carol', role: 'viewer' as const, active: true },
              ]
            : [],
      },
      {
        listProfiles: async () => [
          { name: 'guest', isTeam: false, active: true },
          { name: 'lab', isTeam: false, active: false, quota: { pods: '5' } },
        ],
      },
    );
    const profiles = await source.listProfiles();
    expect(profiles).toEqual(
      expect.arrayContaining([
        { name: 'guest', isTeam: false, active: true },
        { name: 'alice', isTeam: false, active: true },
        { name: 'bob', isTeam: false, active: false },
        {
          name: 'lab',
          isTeam: true,
          active: true,
          quota: { pods: '5' },
          members: [
            { name: 'alice', role: 'owner' },
            { name: 'carol', role: 'viewer' },
          ],
        },
      ]),
    );
    expect(profiles).toHaveLength(4);
  });
});
