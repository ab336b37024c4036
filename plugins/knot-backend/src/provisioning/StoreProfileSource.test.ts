import { StoreProfileSource } from './StoreProfileSource';

describe('StoreProfileSource', () => {
  it('lists active store profiles and the static ones, store winning', async () => {
    const source = new StoreProfileSource(
      {
        listActiveProfiles: async () => [
          { name: 'alice', team: false },
          { name: 'lab', team: true },
        ],
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
        { name: 'lab', isTeam: true, active: true, quota: { pods: '5' } },
      ]),
    );
    expect(profiles).toHaveLength(3);
  });
});
