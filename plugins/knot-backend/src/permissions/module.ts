import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { profileAccessServiceRef } from '../profiles/ProfileAccess';
import { KnotPermissionPolicy } from './KnotPermissionPolicy';

/**
 * Permission module: Knot's policy (see KnotPermissionPolicy), in place of
 * the allow-all policy.
 *
 * @public
 */
export const permissionModuleKnotPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'knot-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        access: profileAccessServiceRef,
        userInfo: coreServices.userInfo,
        logger: coreServices.logger,
      },
      async init({ policy, access, userInfo, logger }) {
        policy.setPolicy(new KnotPermissionPolicy(access, userInfo, logger));
      },
    });
  },
});
