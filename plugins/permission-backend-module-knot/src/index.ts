/**
 * Permission module of Knot: `KnotPermissionPolicy`, a sub-policy an
 * adopter composes into its own policy, and `permissionModuleKnotPolicy`,
 * which installs it with allow for every other permission.
 *
 * @packageDocumentation
 */

export { permissionModuleKnotPolicy as default } from './module';
export { permissionModuleKnotPolicy } from './module';
export { KnotActiveUsersPolicy } from './KnotActiveUsersPolicy';
export {
  isKnotPolicyPermission,
  KnotPermissionPolicy,
} from './KnotPermissionPolicy';
