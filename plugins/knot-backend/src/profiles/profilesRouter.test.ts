import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  createTestDatabases,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { UserStore } from '../identity/UserStore';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('profile routes on %p', id => {
  it('lists active profiles as catalog entities, to services only', async () => {
    const knex = await databases.init(id);
    const { server } = await startKnotTestBackend({ knex });
    const store = new UserStore(knex);
    // alice and carl active, bob awaiting approval.
    for (const name of ['alice', 'bob', 'carl']) {
      await store.signUp({ username: name, password: `${name} password` });
    }
    await store.setActive('alice', true);
    await store.setActive('carl', true);
    await store.createTeam('vision', ['alice', 'bob']);

    const asUser = await request(server)
      .get('/api/knot/catalog/entities/profiles')
      .set('Authorization', mockCredentials.user.header('user:default/carl'));
    expect(asUser.status).toBe(403);
    const response = await request(server)
      .get('/api/knot/catalog/entities/profiles')
      .set('Authorization', mockCredentials.service.header());
    expect(response.status).toBe(200);
    const entities: Entity[] = response.body.items.map(
      (item: { entity: Entity; locationKey: string }) => {
        expect(item.locationKey).toBe('knot:profiles');
        return item.entity;
      },
    );
    // bob awaits approval: neither a User nor a team member yet.
    expect(
      entities.map(e => [
        e.kind,
        e.metadata.name,
        e.spec?.memberOf ?? e.spec?.members,
      ]),
    ).toEqual([
      ['User', 'alice', ['vision']],
      ['User', 'carl', []],
      ['Group', 'vision', ['alice']],
    ]);
  });
});
