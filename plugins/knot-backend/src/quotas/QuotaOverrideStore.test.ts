import { createTestDatabases } from '@knot-platform/knot-test-utils';
import { UserStore } from '../identity/UserStore';
import { QuotaOverrideStore } from './QuotaOverrideStore';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())(
  'QuotaOverrideStore on %p',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      // The user store runs the plugin's migrations.
      await UserStore.create({ database: { getClient: async () => knex } });
      return { knex, store: new QuotaOverrideStore(knex) };
    }

    it('replaces a profile’s overrides whole and keeps others apart', async () => {
      const { knex, store } = await createStore();
      expect(await store.get('alice')).toEqual({});

      await store.replace(
        'alice',
        { 'requests.cpu': '2', privateStorage: '1Gi' },
        'dana',
      );
      await store.replace('t', { pods: '3' }, 'dana');
      expect(await store.get('alice')).toEqual({
        'requests.cpu': '2',
        privateStorage: '1Gi',
      });

      // A resource left out of the next set has no override any more.
      await store.replace('alice', { 'limits.memory': '8Gi' }, 'dana');
      expect(await store.get('alice')).toEqual({ 'limits.memory': '8Gi' });
      expect(Object.fromEntries(await store.listAll())).toEqual({
        alice: { 'limits.memory': '8Gi' },
        t: { pods: '3' },
      });
      const row = await knex('knot_quota_overrides')
        .where({ profile: 'alice' })
        .first();
      expect(row.updated_by).toBe('dana');

      await store.replace('alice', {}, 'dana');
      await store.replace('t', {}, 'dana');
      expect((await store.listAll()).size).toBe(0);
    });

    it("goes with a deleted profile, in the delete's transaction: a later profile of the name has none", async () => {
      const { knex, store } = await createStore();
      const users = await UserStore.create({
        database: { getClient: async () => knex },
      });
      await users.createTeam('gpu-lab');
      await store.replace(
        'gpu-lab',
        { 'requests.nvidia.com/gpu': '8' },
        'dana',
      );
      await store.replace('alice', { pods: '4' }, 'dana');
      await users.deleteTeam('gpu-lab');
      expect(await store.get('gpu-lab')).toEqual({});
      expect(await store.get('alice')).toEqual({ pods: '4' });
    });

    it('writes nothing when a set fails half-way (one transaction)', async () => {
      const { store } = await createStore();
      await store.replace('alice', { pods: '4' }, 'dana');
      // The step in the same transaction (its audit entry) fails after the
      // delete and the insert: neither stays.
      await expect(
        store.replace('alice', { 'requests.cpu': '1' }, 'dana', async tx => {
          expect(
            await tx('knot_quota_overrides').where({ profile: 'alice' }),
          ).toHaveLength(1);
          throw new Error('the step failed');
        }),
      ).rejects.toThrow('the step failed');
      expect(await store.get('alice')).toEqual({ pods: '4' });
    });
  },
);
