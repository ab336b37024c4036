/**
 * Naming of a profile's Kubernetes objects. A profile is a Knot user or team
 * (a team is just another Knot user that members can act as).
 */

/**
 * The HTTP header the frontend sends with every Knot call to choose the
 * profile the call acts as; the signed-in user when absent.
 */
export const PROFILE_HEADER = 'x-knot-profile';

/** The profile (user or team) a request acts as, as the backend resolved it. */
export interface ActingProfile {
  /** The profile's name: a username or a team name. */
  name: string;
  /** The signed-in user (differs from `name` when acting as a team or impersonating). */
  actor: string;
  /** The profile's namespace. */
  namespace: string;
}

/** The default prefix of user and team namespaces (`knot-<name>`). */
export const DEFAULT_NAMESPACE_PREFIX = 'knot-';

/** The PVC in every profile namespace that holds the profile's private folder. */
export const PRIVATE_VOLUME_CLAIM = 'knot-private';
/** The PVC in every profile namespace that binds the shared folder. */
export const SHARED_VOLUME_CLAIM = 'knot-shared';

/** Where the data domains appear inside containers. */
export const PRIVATE_MOUNT_PATH = '/private';
export const SHARED_MOUNT_PATH = '/shared';
export const DATASETS_MOUNT_PATH = '/mnt/datasets';

/** The namespace of a profile. */
export function profileNamespace(
  profile: string,
  prefix: string = DEFAULT_NAMESPACE_PREFIX,
): string {
  return `${prefix}${profile}`;
}

/**
 * The cluster-wide PV names of a profile's private and shared volumes. They
 * carry the namespace prefix, as namespaces do, so that two Knot
 * installations in one cluster never name the same PV (`knot-private-alice`
 * with the default prefix).
 */
export function privateVolumeName(
  profile: string,
  prefix: string = DEFAULT_NAMESPACE_PREFIX,
): string {
  return `${prefix}private-${profile}`;
}
export function sharedVolumeName(
  profile: string,
  prefix: string = DEFAULT_NAMESPACE_PREFIX,
): string {
  return `${prefix}shared-${profile}`;
}

/**
 * Usernames become namespace and hostname parts, so they must be DNS labels;
 * with the `knot-` prefix and `<service>-` hostnames, keep them short.
 */
export const USERNAME_PATTERN = /^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/;

/**
 * The development guest's username (Backstage's guest sign-in): never a
 * user of Knot's store, so that it can never coincide with a real account.
 */
export const GUEST_USERNAME = 'guest';

/**
 * Names no user or team may take: they mean something to Knot or
 * Kubernetes (the guest, admin-like names, `default`, `system`, ...), or
 * would give a namespace colliding with Knot's own (`knot-system`,
 * `knot-webhook`, ...) or with Kubernetes' (`kube-*`).
 */
export const RESERVED_USERNAMES: readonly string[] = [
  GUEST_USERNAME,
  'anonymous',
  'nobody',
  'everyone',
  'admin',
  'admins',
  'administrator',
  'root',
  'superuser',
  'sudo',
  'operator',
  'system',
  'default',
  'kube',
  'kubernetes',
  'cluster-admin',
  'knot',
  'backstage',
  'portal',
  'api',
  'www',
  'public',
  'shared',
  'webhook',
  'ingress',
  'oidc',
  'auth',
];

/** Prefixes no user or team name may start with, for the same reasons. */
export const RESERVED_USERNAME_PREFIXES: readonly string[] = [
  'kube-',
  'system-',
  'knot-',
  'openshift-',
];

/** Whether a name is reserved (see {@link RESERVED_USERNAMES}). */
export function isReservedUsername(name: string): boolean {
  return (
    RESERVED_USERNAMES.includes(name) ||
    RESERVED_USERNAME_PREFIXES.some(prefix => name.startsWith(prefix))
  );
}

/** The profile a namespace belongs to, or undefined if it is not a profile's. */
export function namespaceProfile(
  namespace: string | undefined,
  prefix: string = DEFAULT_NAMESPACE_PREFIX,
): string | undefined {
  if (
    !namespace ||
    !namespace.startsWith(prefix) ||
    namespace.length === prefix.length
  ) {
    return undefined;
  }
  return namespace.slice(prefix.length);
}

/** The catalog owner of a profile's things: `user:…` or, for a team, `group:…`. */
export function profileOwnerRef(profile: string, team: boolean): string {
  return `${team ? 'group' : 'user'}:default/${profile}`;
}

/**
 * `GET /api/knot/profile-access/:profile?user=<entity ref>` (service
 * credentials only): whether the user may act as the profile.
 */
export interface ProfileAccessAnswer {
  allowed: boolean;
  /** Why not, in words for the user. */
  reason?: string;
  /** The catalog owner of the profile's things. */
  ownerRef: string;
}

/**
 * `GET /api/knot/acting-profiles?user=<entity ref>` (service credentials
 * only): the profiles a user may act as.
 */
export interface ActingProfiles {
  /** A Knot admin: may act as any profile. */
  admin: boolean;
  /** The user itself and its teams; empty for an inactive account. */
  profiles: string[];
  /**
   * False when the user's Knot account exists but is not active (awaiting
   * approval or deactivated): such a user keeps no right anywhere, even
   * with a token issued before. Absent means active (older knot plugins).
   */
  active?: boolean;
}
