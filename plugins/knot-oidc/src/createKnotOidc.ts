import { resolvePackagePath } from '@backstage/backend-plugin-api';
import express from 'express';
import type { Knex } from 'knex';
import { createInteractionRouter } from './interactionRoutes';
import {
  createOidcProvider,
  interactionPathOf,
  type Provider,
} from './providerConfiguration';
import type { KnotOidcOptions } from './types';

export type {
  AccountSource,
  InteractionContext,
  KnotAccount,
  KnotOidcOptions,
  OidcClientConfig,
} from './types';

export interface KnotOidc {
  /** Serves the provider and its pages; mount it at the issuer's path. */
  router: express.Router;
  provider: Provider;
}

/**
 * Runs the provider's migrations (its tables live on the caller's
 * database, next to the Knot user store).
 */
export async function migrateOidcDatabase(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@knot-platform/plugin-knot-oidc',
      'migrations',
    ),
    tableName: 'knot_oidc_migrations',
  });
}

/** Knot's OpenID Connect provider and its login, sign-up and consent pages. */
export async function createKnotOidc(
  options: KnotOidcOptions,
): Promise<KnotOidc> {
  const { provider, errors } = await createOidcProvider(options);
  const router = express.Router();
  router.use(
    createInteractionRouter({
      provider,
      errors,
      knex: options.knex,
      accounts: options.accounts,
      clients: options.clients,
      interactionPath: interactionPathOf(options.issuer),
    }),
  );
  // Everything else is the provider's: discovery, auth, token, userinfo, ...
  // (no body parser in front of it: it reads bodies itself).
  router.use(provider.callback() as express.RequestHandler);

  return { router, provider };
}
