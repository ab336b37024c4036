import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import type { JsonObject } from '@backstage/types';
import { UserStore } from '../UserStore';

/** The Authorization header of `user`'s Backstage token. */
export const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/**
 * A test backend with the knot plugin on a fresh database, and the user
 * store on that database with the given accounts, signed up with the
 * password `<name> password`: `users` approved, `pending` awaiting approval.
 */
export async function startIdentityBackend(
  databases: ReturnType<typeof createTestDatabases>,
  databaseId: Parameters<ReturnType<typeof createTestDatabases>['init']>[0],
  options: { config?: JsonObject; users?: string[]; pending?: string[] } = {},
) {
  const knex = await databases.init(databaseId);
  const { server } = await startKnotTestBackend({
    knex,
    config: options.config,
  });
  const store = new UserStore(knex);
  for (const username of [
    ...(options.users ?? []),
    ...(options.pending ?? []),
  ]) {
    await store.signUp({ username, password: `${username} password` });
  }
  for (const username of options.users ?? []) {
    await store.setActive(username, true);
  }
  return { knex, server, store };
}
