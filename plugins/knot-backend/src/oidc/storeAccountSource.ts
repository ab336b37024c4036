import type { Config } from '@backstage/config';
import {
  knotClaimName,
  PRIVATE_MOUNT_PATH,
  profileNamespace,
  SHARED_MOUNT_PATH,
  type KnotValues,
} from '@knot-platform/plugin-knot-common';
import type { AccountSource } from '@knot-platform/plugin-knot-oidc';
import type { UserStore } from '../users/UserStore';

/** The `knot_*` claims of a profile, from the platform configuration. */
export function knotClaimsFor(
  config: Config,
): (username: string) => Record<string, string> {
  const prefix = config.getOptionalString('knot.namespacePrefix') ?? 'knot-';
  const ingressUrl =
    config.getOptionalString('knot.ingress.url') ??
    config.getOptionalString('app.baseUrl') ??
    '';
  return username => {
    const values: KnotValues = {
      username,
      namespace: profileNamespace(username, prefix),
      ingressUrl,
      privateDir: PRIVATE_MOUNT_PATH,
      sharedDir: SHARED_MOUNT_PATH,
    };
    return Object.fromEntries(
      Object.entries(values).map(([name, value]) => [
        knotClaimName(name as keyof KnotValues),
        value!,
      ]),
    );
  };
}

/** The OIDC provider's view of the Knot user store. */
export function storeAccountSource(
  store: UserStore,
  knotClaims: (username: string) => Record<string, string>,
): AccountSource {
  return {
    async find(username) {
      const user = await store.getUser(username);
      if (!user || !user.active || user.team) {
        return undefined;
      }
      return {
        username,
        email: user.email,
        groups: await store.teamsOf(username),
        knotClaims: knotClaims(username),
      };
    },
    authenticate: (username, password) =>
      store.authenticate(username, password),
    async signUp(input) {
      await store.signUp(input);
    },
  };
}
