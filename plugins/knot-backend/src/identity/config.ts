import type { Config } from '@backstage/config';
import type { OidcClientConfig } from '@knot-platform/plugin-knot-oidc';
import { readOidcClients } from './oidc/oidcClients';

/** The environment variable holding the first admin's password by default. */
export const DEFAULT_ADMIN_PASSWORD_ENV = 'KNOT_ADMIN_PASSWORD';

/** `knot.identity`: users, admins and the OIDC provider. */
export interface IdentityConfig {
  /** The first admin, created on first start when missing. */
  firstAdmin?: { username: string; passwordEnv: string };
  /**
   * Knot admins besides the user store's (development: the guest user, who
   * is not in the store).
   */
  admins: string[];
  /** `knot.teams`: self-service teams. */
  teams: { creationNeedsApproval: boolean };
  oidc: {
    clients: OidcClientConfig[];
    signingKeyRotationDays?: number;
  };
}

export function readIdentityConfig(config: Config): IdentityConfig {
  const identity = config.getOptionalConfig('knot.identity');
  const username = identity?.getOptionalString('admin.username');
  return {
    firstAdmin: username
      ? {
          username,
          passwordEnv:
            identity?.getOptionalString('admin.passwordEnv') ??
            DEFAULT_ADMIN_PASSWORD_ENV,
        }
      : undefined,
    admins: identity?.getOptionalStringArray('admins') ?? [],
    teams: {
      creationNeedsApproval:
        config.getOptionalBoolean('knot.teams.creationNeedsApproval') ?? false,
    },
    oidc: {
      clients: readOidcClients(config),
      signingKeyRotationDays: identity?.getOptionalNumber(
        'oidc.signingKeyRotationDays',
      ),
    },
  };
}
