import type {
  DatabaseService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  createKnotOidc,
  migrateOidcDatabase,
} from '@knot-platform/plugin-knot-oidc';
import express from 'express';
import type { IdentityConfig } from '../config';
import type { UserStore } from '../UserStore';
import type { KnotAdmins } from '../KnotAdmins';
import type { AuditRecorder } from '../../audit/AuditRecorder';
import { storeAccountSource } from './storeAccountSource';
import { migrateExclusively } from '../../database/migrateExclusively';

/** Where the provider is mounted inside the Knot plugin (`/api/knot/oidc`). */
export const OIDC_PATH = '/oidc';

/**
 * Knot's OIDC provider on the Knot plugin's database, at the stable issuer
 * `<backend>/api/knot/oidc`.
 */
export async function createOidcRouter(options: {
  oidc: IdentityConfig['oidc'];
  /** The `knot_*` claims of a user. */
  knotClaims: (username: string) => Record<string, string>;
  database: DatabaseService;
  discovery: DiscoveryService;
  logger: LoggerService;
  store: UserStore;
  /** Who is a Knot admin: the `roles` claim. */
  admins?: Pick<KnotAdmins, 'isAdmin'>;
  /** Records sign-ups and client grants. */
  audit?: AuditRecorder;
}): Promise<{ router: express.Router; issuer: string }> {
  const { oidc, database, discovery, logger, store } = options;
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await migrateExclusively(knex, 'knot_oidc_migrations', () =>
      migrateOidcDatabase(knex),
    );
  }
  const issuer = `${await discovery.getExternalBaseUrl('knot')}${OIDC_PATH}`;
  const provider = await createKnotOidc({
    issuer,
    knex,
    accounts: storeAccountSource(
      store,
      options.knotClaims,
      username =>
        options.admins
          ? options.admins.isAdmin(username)
          : Promise.resolve(false),
      options.audit,
    ),
    clients: oidc.clients,
    logger,
    signingKeyRotationDays: oidc.signingKeyRotationDays,
  });
  const router = express.Router();
  router.use(OIDC_PATH, provider.router);
  return { router, issuer };
}
