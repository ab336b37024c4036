import { profileEntities } from './profileEntities';

describe('profileEntities', () => {
  it('makes a User per user and a Group per team', () => {
    const entities = profileEntities({
      users: [{ username: 'alice', email: 'a@example.com', teams: ['vision'] }],
      teams: [{ name: 'vision', members: ['alice'] }],
    });
    expect(entities).toEqual([
      expect.objectContaining({
        kind: 'User',
        metadata: expect.objectContaining({ name: 'alice' }),
        spec: {
          profile: { displayName: 'alice', email: 'a@example.com' },
          memberOf: ['vision'],
        },
      }),
      expect.objectContaining({
        kind: 'Group',
        metadata: expect.objectContaining({ name: 'vision' }),
        spec: { type: 'team', children: [], members: ['alice'] },
      }),
    ]);
  });
});
