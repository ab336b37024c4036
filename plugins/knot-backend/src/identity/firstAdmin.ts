import type { LoggerService } from '@backstage/backend-plugin-api';
import type { IdentityConfig } from './config';
import type { UserStore } from './UserStore';

/**
 * Creates the first admin on first start: `knot.identity.admin.username`,
 * with the password read from the environment variable named by
 * `knot.identity.admin.passwordEnv` (never from the config file itself).
 */
export async function ensureFirstAdmin(
  firstAdmin: IdentityConfig['firstAdmin'],
  store: UserStore,
  logger: LoggerService,
): Promise<void> {
  if (!firstAdmin) {
    return;
  }
  const { username, passwordEnv } = firstAdmin;
  const password = process.env[passwordEnv];
  if ((await store.getUser(username)) !== undefined) {
    return;
  }
  if (!password) {
    logger.warn(
      `The first admin '${username}' was not created: set its password in the environment variable ${passwordEnv}`,
    );
    return;
  }
  await store.ensureAdmin(username, password);
  logger.info(`Created the first admin '${username}'`);
}
