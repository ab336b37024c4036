/** API shapes and the action catalogue of Knot's audit log. */

/**
 * Every action the audit log records, by where it is recorded. One list:
 * the enumeration test drives each action recorded on main and fails for
 * an action without a driver.
 */
export const AUDIT_ACTIONS = {
  // Identity: accounts.
  'user.signUp': 'A person signed up (awaiting approval)',
  'user.approve': 'An admin approved or reactivated a user',
  'user.deactivate': 'An admin deactivated a user',
  'user.delete': 'An admin deleted a user',
  'user.setAdmin': 'An admin granted or took the admin flag',
  // Teams: admins' and self-service changes.
  'team.create': 'A team was created',
  'team.approve': 'An admin approved a team',
  'team.delete': 'An admin deleted a team',
  'team.addMember': 'A member joined a team (added, or accepted)',
  'team.removeMember': 'A member was removed from or left a team',
  'team.setRole': "A member's role changed (a transfer is one change)",
  'team.invite': 'A team owner invited a user',
  'team.cancelInvitation': 'A team owner took back an invitation',
  'team.declineInvitation': 'A user declined an invitation',
  // Profiles: who acts as whom.
  'profile.switch': 'A user switched to one of their profiles',
  'impersonation.start': 'An admin started acting as another profile',
  'impersonation.stop': 'An admin stopped acting as another profile',
  // Services.
  'service.deploy': 'A service was deployed',
  'service.upgrade': "A service's values changed (keys, secrets masked)",
  'service.delete': 'A service was deleted',
  'share.grant': 'A service was shared with a user or team',
  'share.revoke': 'A share of a service was revoked',
  // Files, datasets, images.
  'file.delete': 'A file or folder was deleted',
  'file.rename': 'A file or folder was renamed or moved',
  'dataset.create': 'A dataset was created',
  'dataset.delete': 'A dataset was deleted',
  'image.create': 'An image was uploaded',
  'image.pushGrant':
    "A user was let push an upload's layers to the registry from the browser",
  'image.delete': 'An image or repository was deleted',
  // OIDC.
  'oidc.grant': 'A user granted an OIDC client access',
  // Recorded by code not yet on main (quotas, idle stop): see below.
  'quota.change': "An admin changed a profile's quota",
  'service.idleStop': 'A service idle too long was scaled to zero',
  'service.start': 'A stopped service was started again',
} as const;

/** The name of an audited action. */
export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** Every action name, in catalogue order. */
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

/**
 * Actions no request causes: Knot's scheduled tasks record them (idle stop,
 * by `system`; its own tests drive it). The enumeration test requires a
 * driver for every other action.
 */
export const AUDIT_ACTIONS_RECORDED_ELSEWHERE: readonly AuditAction[] = [
  'service.idleStop',
];

export function isAuditAction(value: unknown): value is AuditAction {
  return (
    typeof value === 'string' &&
    Object.prototype.hasOwnProperty.call(AUDIT_ACTIONS, value)
  );
}

/** How an audited action ended. */
export type AuditResult = 'success' | 'failure';

/** One audit log entry, as `GET /api/knot/audit` answers it. */
export interface KnotAuditEntry {
  id: number;
  /** ISO 8601. */
  at: string;
  action: AuditAction;
  /** The signed-in user who acted ('system' for Knot itself). */
  actor: string;
  /** The profile the actor acted as. */
  actingProfile?: string;
  /** What was acted on, e.g. `service alice/web`, `user bob`. */
  target?: string;
  /** The profile the target belongs to, when it belongs to one. */
  targetProfile?: string;
  result: AuditResult;
  /** The client address as the backend sees it (see the README). */
  sourceIp?: string;
  /** Action-specific facts: never secrets, file contents or credentials. */
  details?: Record<string, unknown>;
}

/** `GET /api/knot/audit` */
export interface KnotAuditPage {
  items: KnotAuditEntry[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextBefore?: number;
}

/** Filters of `GET /api/knot/audit` and `/audit/export` (admins). */
export interface KnotAuditQuery {
  user?: string;
  profile?: string;
  action?: AuditAction;
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
  before?: number;
  limit?: number;
}
