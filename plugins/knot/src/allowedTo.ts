import type { BasicPermission } from '@backstage/plugin-permission-common';

/**
 * The `if` of an extension that exists only for users granted `permission`:
 * the app asks the permission framework once the user has signed in, and
 * leaves the extension out (a page: its route and its sidebar entry) when
 * the answer is no. Names carry the action (`name#action`), as the app
 * expects, so the policy sees the same permission the backend checks.
 */
export function allowedTo(permission: BasicPermission) {
  const { action } = permission.attributes;
  return {
    permissions: {
      $contains: action ? `${permission.name}#${action}` : permission.name,
    },
  };
}
