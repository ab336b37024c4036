/** Knot's accounts and clients as its OpenID Connect provider sees them. */
import type { Knex } from 'knex';

/** A Knot account as the provider sees it; only active accounts are found. */
export interface KnotAccount {
  username: string;
  email?: string;
  /** Teams the user belongs to: the `groups` claim. */
  groups: string[];
  /**
   * The `roles` claim: `admin` for a Knot admin (Grafana and other services
   * map their own roles from it). Not a team: a team could be named anything.
   */
  roles?: string[];
  /** `knot_*` claims of the user's profile (knot_username, knot_namespace, ...). */
  knotClaims: Record<string, string>;
}

/** Where the provider finds accounts: the Knot user store. */
export interface AccountSource {
  /** An active account by username, or undefined. */
  find(username: string): Promise<KnotAccount | undefined>;
  authenticate(
    username: string,
    password: string,
  ): Promise<
    | { ok: true }
    | { ok: false; reason: 'invalid-credentials' | 'awaiting-approval' }
  >;
  /**
   * Creates an inactive account; throws InputError or ConflictError.
   * `context` says where the request came from (for the audit log).
   */
  signUp(
    input: {
      username: string;
      email?: string;
      password: string;
    },
    context?: InteractionContext,
  ): Promise<void>;
  /**
   * A user granted a client access (consent, or a first-party client's
   * automatic grant): for the audit log. Never fails the sign-in.
   */
  granted?(
    grant: {
      username: string;
      clientId: string;
      scopes: string[];
      automatic: boolean;
    },
    context: InteractionContext,
  ): Promise<void>;
}

/** Where an interaction request came from, as Express sees it. */
export interface InteractionContext {
  /** `req.ip`: X-Forwarded-For only as far as Express's `trust proxy`. */
  sourceIp?: string;
}

/** An OIDC client (relying party), from `knot.identity.oidc.clients`. */
export interface OidcClientConfig {
  clientId: string;
  /** Confidential clients have a secret; public ones must use PKCE. */
  clientSecret?: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** How a confidential client authenticates at the token endpoint. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Shown on the login and consent pages. */
  name?: string;
  /**
   * First-party clients (the portal itself) skip the consent page: the
   * admin who configured them has consented for the users.
   */
  skipConsent?: boolean;
}

export interface KnotOidcOptions {
  /** The issuer URL: where the returned router is reachable. */
  issuer: string;
  knex: Knex;
  accounts: AccountSource;
  clients: OidcClientConfig[];
  logger?: { info(message: string): void; warn(message: string): void };
  /**
   * A new signing key is made at start-up once the newest is this old; the
   * previous one stays published for a day.
   * @default 90
   */
  signingKeyRotationDays?: number;
}
