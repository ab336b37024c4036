import type {
  DatabaseService,
  DiscoveryService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  createKnotOidc,
  migrateOidcDatabase,
} from '@knot-platform/plugin-knot-oidc';
import express from 'express';
import type { UserStore } from '../users/UserStore';
import { readOidcClients } from './oidcClients';
import { knotClaimsFor, storeAccountSource } from './storeAccountSource';

/** Where the provider is mounted inside the Knot plugin (`/api/knot/oidc`). */
export const OIDC_PATH = '/oidc';

/**
 * Knot's OIDC provider on the Knot plugin's database, at the stable issuer
 * `<backend>/api/knot/oidc`.
 */
export async function createOidcRouter(options: {
  config: RootConfigService;
  database: DatabaseService;
  discovery: DiscoveryService;
  logger: LoggerService;
  store: UserStore;
}): Promise<{ router: express.Router; issuer: string }> {
  const { config, database, discovery, logger, store } = options;
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await migrateOidcDatabase(knex);
  }
  const issuer = `${await discovery.getExternalBaseUrl('knot')}${OIDC_PATH}`;
  const oidc = await createKnotOidc({
    issuer,
    knex,
    accounts: storeAccountSource(store, knotClaimsFor(config)),
    clients: readOidcClients(config),
    logger,
    signingKeyRotationDays: config.getOptionalNumber(
      'knot.identity.oidc.signingKeyRotationDays',
    ),
  });
  const router = express.Router();
  router.use(OIDC_PATH, oidc.router);
  return { router, issuer };
}
