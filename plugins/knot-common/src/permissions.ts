import {
  createPermission,
  isPermission,
  type Permission,
} from '@backstage/plugin-permission-common';

/**
 * Knot's admin rights, as Backstage permissions: the knot backend checks them
 * (requirePermission), Knot's permission policy grants them to Knot admins,
 * and the frontend asks for them before it shows an admin page. An adopter's
 * own policy may grant them to whom it likes.
 */

/** Approve, deactivate, delete users; set and clear the admin flag. */
export const knotUsersManagePermission = createPermission({
  name: 'knot.users.manage',
  attributes: { action: 'update' },
});

/** Create and delete teams, change any team's members. */
export const knotTeamsManagePermission = createPermission({
  name: 'knot.teams.manage',
  attributes: { action: 'update' },
});

/** See and change every profile's namespace, storage and quota. */
export const knotProvisioningManagePermission = createPermission({
  name: 'knot.provisioning.manage',
  attributes: { action: 'update' },
});

/** Act as any user or team (impersonation). */
export const knotProfilesImpersonatePermission = createPermission({
  name: 'knot.profiles.impersonate',
  attributes: {},
});

/** Delete images and repositories in any area of the registry. */
export const knotImagesManagePermission = createPermission({
  name: 'knot.images.manage',
  attributes: { action: 'delete' },
});

/** Read and export every entry of the audit log. */
export const knotAuditReadPermission = createPermission({
  name: 'knot.audit.read',
  attributes: { action: 'read' },
});

/** Every permission Knot defines, for the permission registry. */
export const knotPermissions = [
  knotUsersManagePermission,
  knotTeamsManagePermission,
  knotProvisioningManagePermission,
  knotProfilesImpersonatePermission,
  knotImagesManagePermission,
  knotAuditReadPermission,
];

/** Whether a permission is one of Knot's (for a policy composing Knot's). */
export function isKnotPermission(permission: Permission): boolean {
  return knotPermissions.some(knot => isPermission(permission, knot));
}
