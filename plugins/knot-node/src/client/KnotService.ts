import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type {
  ActingProfiles,
  KnotCatalogEntities,
  KnotEntityProviderName,
  KnotServiceInstallRequest,
  KnotServiceInstallResult,
  ProfileAccessAnswer,
} from '@knot-platform/plugin-knot-common';
import { DefaultKnotService } from './DefaultKnotService';

/** An install asked for on behalf of a user. */
export interface KnotInstallOptions {
  /** The user the install acts for (e.g. a scaffolder task's initiator). */
  credentials: BackstageCredentials;
  /** Each progress line (helm's output) as it comes. */
  onLog?: (message: string) => void;
}

/**
 * The one client other plugins use to call the knot plugin. It owns Knot's
 * state (users, teams, charts, helm), so other plugins ask it rather than
 * read Knot's config or database themselves. Reads use this plugin's
 * service credentials; installs act on behalf of a user and pass the same
 * checks as the portal. A refusal is thrown as the knot plugin's own error
 * (name and message, e.g. `NotAllowedError`).
 */
export interface KnotService {
  /** Whether `userRef` may act as `profile`, and who owns the profile's things. */
  profileAccess(
    profile: string,
    userRef?: string,
  ): Promise<ProfileAccessAnswer>;
  /** Every profile `userRef` may act as, and whether it is a Knot admin. */
  actingProfiles(userRef: string): Promise<ActingProfiles>;
  /** The current entities of one of Knot's catalog providers. */
  catalogEntities(
    provider: KnotEntityProviderName,
  ): Promise<KnotCatalogEntities>;
  /**
   * Deploys an offered chart as `profile` (the user itself when empty) on
   * behalf of the user of `options.credentials`.
   */
  installService(
    request: KnotServiceInstallRequest & { profile?: string },
    options: KnotInstallOptions,
  ): Promise<KnotServiceInstallResult>;
}

/** The knot plugin's client, from discovery and this plugin's auth. */
export const knotServiceRef = createServiceRef<KnotService>({
  id: 'knot.client',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: ({ discovery, auth }) =>
        new DefaultKnotService({ discovery, auth }),
    }),
});
