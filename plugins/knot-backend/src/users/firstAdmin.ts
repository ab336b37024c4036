import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { UserStore } from './UserStore';

/** The environment variable holding the first admin's password by default. */
export const DEFAULT_ADMIN_PASSWORD_ENV = 'KNOT_ADMIN_PASSWORD';

/**
 * Creates the first admin on first start: `knot.identity.admin.username`,
 * with the password read from the environment variable named by
 * `knot.identity.admin.passwordEnv` (never from the config file itself).
 */
export async function ensureFirstAdmin(
  config: RootConfigService,
  store: UserStore,
  logger: LoggerService,
): Promise<void> {
  const username = config.getOptionalString('knot.identity.admin.username');
  if (!username) {
    return;
  }
  const envName =
    config.getOptionalString('knot.identity.admin.passwordEnv') ??
    DEFAULT_ADMIN_PASSWORD_ENV;
  const password = process.env[envName];
  if ((await store.getUser(username)) !== undefined) {
    return;
  }
  if (!password) {
    logger.warn(
      `The first admin '${username}' was not created: set its password in the environment variable ${envName}`,
    );
    return;
  }
  await store.ensureAdmin(username, password);
  logger.info(`Created the first admin '${username}'`);
}
