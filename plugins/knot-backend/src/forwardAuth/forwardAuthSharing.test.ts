import express from 'express';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import {
  HELM_RELEASE_NAME_ANNOTATION,
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { ServiceHostClaimsReader } from '../kubernetes/ServiceHostClaimsReader';
import type { ShareAccess } from '../sharing/ServiceShareAccess';
import { createForwardAuthRouter } from './forwardAuthRouter';
import { IngressHostOwnerResolver } from './HostOwnerResolver';
import { bearerToken, type SessionVerifier } from './SessionVerifier';

const domain = 'knot.test';

// Sessions: the bearer token is the username.
const sessions: SessionVerifier = {
  async sessionOf(req) {
    const token = bearerToken(req);
    return token
      ? { user: `user:default/${token}`, from: 'bearer' }
      : undefined;
  },
};

/**
 * Profiles alice, bob and mallory. alice's release `hello` serves
 * hello-alice; her `other` serves other-alice; `mixed-alice` is served by
 * two of her releases. mallory's Ingresses: her own host annotated as
 * alice's release, and alice's host (the webhook would refuse that one;
 * an Ingress from before it, say).
 */
const ingresses = [
  ['alice', 'hello-alice', 'hello'],
  ['alice', 'other-alice', 'other'],
  ['alice', 'mixed-alice', 'hello'],
  ['alice', 'mixed-alice', 'other'],
  ['alice', 'raw-alice', undefined],
  ['mallory', 'hello-mallory', 'hello'],
  ['mallory', 'taken-alice', 'hello'],
  ['alice', 'taken-alice', 'hello'],
].map(([profile, host, release]) => ({
  metadata: {
    namespace: `knot-${profile}`,
    annotations: release
      ? { [HELM_RELEASE_NAME_ANNOTATION]: release }
      : undefined,
  },
  spec: { rules: [{ host: `${host}.${domain}` }] },
}));

const cluster = {
  listIngressForAllNamespaces: async () => ({ items: ingresses }),
  listNamespace: async () => ({
    items: ['alice', 'bob', 'mallory'].map(p => ({
      metadata: {
        name: `knot-${p}`,
        labels: { [KNOT_NAMESPACE_LABEL]: KNOT_NAMESPACE_ENABLED },
      },
    })),
  }),
};

/** Shares as forward-auth sees them: `owner/service` → grantees. */
function fakeShares(initial: Record<string, string[]>) {
  const shares = { ...initial };
  const calls: string[] = [];
  const access: ShareAccess = {
    async admits(username, owner, service) {
      calls.push(`${username}@${owner}/${service}`);
      return (shares[`${owner}/${service}`] ?? []).includes(username);
    },
  };
  return { shares, calls, access };
}

function app(shares: ShareAccess) {
  const a = express();
  a.use(
    createForwardAuthRouter({
      controller: 'traefik',
      sessions,
      owners: new IngressHostOwnerResolver(
        new ServiceHostClaimsReader(
          {
            makeClient: async () => cluster,
          } as unknown as KubernetesClientFactory,
          'knot-',
        ),
        domain,
      ),
      access: {
        canActAs: async (user: string, profile: string) =>
          user === `user:default/${profile}`,
      } as any,
      shares,
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth(),
      domain,
      signInUrl: `https://${domain}/knot/services/sign-in`,
      cookieName: 'knot_session',
      secureCookie: true,
    }),
  );
  return a;
}

const visit = (a: express.Express, host: string, user: string) =>
  request(a)
    .get('/forward-auth')
    .set('X-Forwarded-Host', `${host}.${domain}`)
    .set('Authorization', `Bearer ${user}`);

describe('forward-auth lets users in by a share', () => {
  it('bob: 403, shared → 200 naming bob and the owner, revoked → 403 on the next request', async () => {
    const { shares, access, calls } = fakeShares({});
    const a = app(access);
    expect((await visit(a, 'hello-alice', 'bob')).status).toBe(403);
    shares['alice/hello'] = ['bob'];
    const shared = await visit(a, 'hello-alice', 'bob');
    expect(shared.status).toBe(200);
    expect(shared.headers['x-knot-user']).toBe('bob');
    expect(shared.headers['x-knot-profile']).toBe('alice');
    shares['alice/hello'] = [];
    expect((await visit(a, 'hello-alice', 'bob')).status).toBe(403);
    // Asked on every request: nothing cached between them.
    expect(calls).toEqual([
      'bob@alice/hello',
      'bob@alice/hello',
      'bob@alice/hello',
    ]);
  });

  it('only non-owners pay the share lookup', async () => {
    const { access, calls } = fakeShares({ 'alice/hello': ['bob'] });
    const res = await visit(app(access), 'hello-alice', 'alice');
    expect(res.status).toBe(200);
    expect(calls).toEqual([]);
  });

  it('a share of one release opens no other service of its owner', async () => {
    const { access } = fakeShares({ 'alice/other': ['bob'] });
    expect((await visit(app(access), 'hello-alice', 'bob')).status).toBe(403);
    expect((await visit(app(access), 'other-alice', 'bob')).status).toBe(200);
  });

  it('opens no host served by two releases, or by an Ingress Helm did not install', async () => {
    const { access, calls } = fakeShares({
      'alice/hello': ['bob'],
      'alice/other': ['bob'],
    });
    expect((await visit(app(access), 'mixed-alice', 'bob')).status).toBe(403);
    expect((await visit(app(access), 'raw-alice', 'bob')).status).toBe(403);
    expect(calls).toEqual([]);
  });

  it("keys the share by the host's owner: an Ingress naming alice's release elsewhere, or alice's host, gains nothing", async () => {
    const { access, calls } = fakeShares({ 'alice/hello': ['bob'] });
    // mallory's host, annotated with alice's release: the owner is mallory,
    // and the share asked for is mallory's (none).
    expect((await visit(app(access), 'hello-mallory', 'bob')).status).toBe(403);
    // alice's host named by mallory's Ingress too: no owner at all.
    expect((await visit(app(access), 'taken-alice', 'bob')).status).toBe(403);
    expect(calls).toEqual(['bob@mallory/hello']);
  });
});
