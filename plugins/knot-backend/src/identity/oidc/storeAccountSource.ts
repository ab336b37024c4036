import {
  type KnotOptionalUrls,
  knotClaims,
  profileKnotValues,
  profileNamespace,
} from '@knot-platform/plugin-knot-common';
import type { AccountSource } from '@knot-platform/plugin-knot-oidc';
import {
  notAudited,
  recordIn,
  type AuditRecorder,
} from '../../audit/AuditRecorder';
import type { UserStore } from '../UserStore';

/** The `knot_*` claims of a profile, from the platform configuration. */
export function knotClaimsFor(platform: {
  namespacePrefix: string;
  /** The portal's URL. */
  ingressUrl: string;
  /** The optional platform URLs (`knot.services.urls`, integrations). */
  urls?: KnotOptionalUrls;
}): (username: string) => Record<string, string> {
  const { namespacePrefix: prefix, ingressUrl, urls } = platform;
  return username =>
    knotClaims(
      profileKnotValues({
        profile: username,
        namespace: profileNamespace(username, prefix),
        ingressUrl,
        urls,
      }),
    );
}

/** The OIDC provider's view of the Knot user store. */
export function storeAccountSource(
  store: UserStore,
  claimsOf: (username: string) => Record<string, string>,
  /** Knot admins get the role `admin` (the `roles` claim). */
  isAdmin: (username: string) => Promise<boolean> = async () => false,
  /** Sign-ups (in their transaction) and client grants are recorded. */
  audit: AuditRecorder = notAudited,
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
        // Only approved teams: integrations map groups to namespaces.
        groups: await store.activeTeamsOf(username),
        roles: (await isAdmin(username)) ? ['admin'] : [],
        knotClaims: claimsOf(username),
      };
    },
    authenticate: (username, password) =>
      store.authenticate(username, password),
    async signUp(input, context) {
      await store.signUp(
        input,
        recordIn(audit, {
          action: 'user.signUp',
          actor: input.username,
          actingProfile: input.username,
          target: `user ${input.username}`,
          targetProfile: input.username,
          sourceIp: context?.sourceIp,
          details: input.email ? { email: input.email } : undefined,
        }),
      );
    },
    async granted(grant, context) {
      await audit.record({
        action: 'oidc.grant',
        actor: grant.username,
        actingProfile: grant.username,
        target: `oidc client ${grant.clientId}`,
        targetProfile: grant.username,
        sourceIp: context.sourceIp,
        details: { scopes: grant.scopes, automatic: grant.automatic },
      });
    },
  };
}
