/** API shapes of sharing a service with named users and teams. */

/**
 * The annotation Helm itself writes on every object it installs (whatever
 * the chart's templates say): which release an Ingress belongs to, and so
 * which shares open its host.
 */
export const HELM_RELEASE_NAME_ANNOTATION = 'meta.helm.sh/release-name';

/** One grant of a profile's service to a user or a team. */
export interface KnotServiceShare {
  /** The Helm release name of the shared service. */
  service: string;
  /** The user or team it is shared with. */
  grantee: string;
  granteeKind: 'user' | 'team';
  /** The user who shared it. */
  createdBy: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; absent: until revoked. */
  expiresAt?: string;
}

/** `GET /api/knot/services/:name/shares` */
export interface KnotServiceShareList {
  items: KnotServiceShare[];
}

/** `POST /api/knot/services/:name/shares` */
export interface KnotServiceShareRequest {
  grantee: string;
  /** ISO 8601, in the future; absent or null: until revoked. */
  expiresAt?: string | null;
}

/** A service another profile shared with the signed-in user. */
export interface KnotSharedService {
  /** The profile that owns it. */
  owner: string;
  service: string;
  url: string;
  /** The user themself, or the team through which it is shared. */
  via: string;
  sharedBy: string;
  expiresAt?: string;
}

/** `GET /api/knot/me/shared-services` */
export interface KnotSharedServiceList {
  items: KnotSharedService[];
}
