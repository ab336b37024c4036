import express from 'express';
import request from 'supertest';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ServiceHostClaims } from '@knot-platform/plugin-knot-common';
import { createForwardAuthRouter } from './forwardAuthRouter';
import { IngressHostOwnerResolver } from './HostOwnerResolver';
import type { IngressController } from './ingressControllers';
import { bearerToken, type SessionVerifier } from './SessionVerifier';
import type { ServiceHostClaimsReader } from '../kubernetes/ServiceHostClaimsReader';

// URL-prefix mode: services at https://services.knot.test/services/<name>-<profile>/.
const prefix = { host: 'services.knot.test', pathPrefix: '/services' };

// The token is the username ("Bearer bob").
const sessions: SessionVerifier = {
  async sessionOf(req) {
    const token = bearerToken(req);
    return token
      ? { user: `user:default/${token}`, from: 'bearer' }
      : undefined;
  },
};

// The cluster: alice's hello, bob's x, both as the charts write them.
const claims = new ServiceHostClaims(
  ['alice', 'bob', 'alice-x'].map(p => ({
    metadata: { name: `knot-${p}`, labels: { knot: 'enabled' } },
  })),
  [
    ['alice', '/services/hello-alice'],
    ['bob', '/services/x-bob'],
  ].map(([profile, path]) => ({
    metadata: { name: 'i', namespace: `knot-${profile}` },
    spec: { rules: [{ host: prefix.host, http: { paths: [{ path }] } }] },
  })),
  'knot-',
  prefix,
);
const reader = {
  claims: async () => claims,
} as unknown as ServiceHostClaimsReader;

function app(controller: IngressController, onPortalHost = false) {
  const a = express();
  a.use(express.json());
  a.use(
    createForwardAuthRouter({
      controller,
      sessions,
      owners: new IngressHostOwnerResolver(reader, prefix.host),
      access: {
        canActAs: async (user: string, profile: string) =>
          user === `user:default/${profile}`,
      } as any,
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.user('user:default/alice'),
      }),
      domain: 'knot.test',
      prefix: { ...prefix, onPortalHost },
      signInUrl: 'https://knot.test/knot/services/sign-in',
      cookieName: 'knot_session',
      secureCookie: true,
    }),
  );
  // Backstage's error handler answers InputError with 400.
  a.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(error.name === 'InputError' ? 400 : 500).send(error.message);
    },
  );
  return a;
}

const traefik = app('traefik');
const nginx = app('ingress-nginx');

/** Forward-auth's answer for a request Traefik routed to `uri`. */
function viaTraefik(uri: string, user?: string) {
  const req = request(traefik)
    .get('/forward-auth')
    .set('X-Forwarded-Host', prefix.host)
    .set('X-Forwarded-Proto', 'https')
    .set('X-Forwarded-Uri', uri);
  return user ? req.set('Authorization', `Bearer ${user}`) : req;
}

describe('forward-auth in URL-prefix mode', () => {
  it('lets the owner in at its prefix, nobody else', async () => {
    const owner = await viaTraefik('/services/hello-alice/api?x=1', 'alice');
    expect(owner.status).toBe(200);
    expect(owner.headers['x-knot-profile']).toBe('alice');
    expect((await viaTraefik('/services/hello-alice/', 'bob')).status).toBe(
      403,
    );
    expect((await viaTraefik('/services/x-bob', 'bob')).status).toBe(200);
  });

  it('sends anonymous browsers to sign in, back to the prefix', async () => {
    const res = await viaTraefik('/services/hello-alice/lab?x=1');
    expect(res.status).toBe(401);
    const rd = new URL(res.headers.location).searchParams.get('rd');
    expect(rd).toBe('https://services.knot.test/services/hello-alice/lab?x=1');
  });

  it('claims exactly the first segment: app-alice-x is not app-alice', async () => {
    // alice-x exists but names no such prefix: nobody's.
    expect((await viaTraefik('/services/hello-alice-x/', 'alice')).status).toBe(
      403,
    );
    expect(
      (await viaTraefik('/services/hello-alice-x/', 'alice-x')).status,
    ).toBe(403);
  });

  it.each([
    '/services/x-bob/../hello-alice/',
    '/services/x-bob/%2e%2e/hello-alice/',
    '/services/x-bob%2f..%2fhello-alice/',
    '/services/x-bob/a/..%2F..%2Fhello-alice',
    '/services/./hello-alice/',
    '/services//hello-alice/',
    '/services/x-bob\\..\\hello-alice/',
  ])('refuses %s with 400, whoever asks', async uri => {
    for (const user of ['bob', 'alice', undefined]) {
      const res = await viaTraefik(uri, user);
      expect({ user, status: res.status }).toEqual({ user, status: 400 });
    }
  });

  it('reads the raw path of ingress-nginx too, not the resolved URL', async () => {
    const res = await request(nginx)
      .get('/forward-auth')
      .set(
        'X-Original-URL',
        'https://services.knot.test/services/x-bob/../hello-alice/',
      )
      .set('Authorization', 'Bearer bob');
    expect(res.status).toBe(400);
    const owner = await request(nginx)
      .get('/forward-auth')
      .set(
        'X-Original-URL',
        'https://services.knot.test/services/hello-alice/x',
      )
      .set('Authorization', 'Bearer alice');
    expect(owner.status).toBe(200);
  });

  it('scopes the session cookie to the path prefix, back only to a service prefix', async () => {
    const ok = await request(traefik)
      .post('/forward-auth/session')
      .send({ rd: 'https://services.knot.test/services/hello-alice/' });
    expect(ok.status).toBe(200);
    expect(ok.body.redirect).toBe(
      'https://services.knot.test/services/hello-alice/',
    );
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/Path=\/services\//);
    expect(cookie).toMatch(/Domain=\.knot\.test/);
    for (const rd of [
      'https://evil.knot.test/services/hello-alice/',
      'https://services.knot.test/elsewhere',
      'https://services.knot.test/services/x/../../elsewhere',
    ]) {
      const bad = await request(traefik)
        .post('/forward-auth/session')
        .send({ rd });
      expect({ rd, status: bad.status }).toEqual({ rd, status: 400 });
      expect(bad.headers['set-cookie']).toBeUndefined();
    }
    // On the portal's own host: host-only, never the domain's other hosts.
    const shared = await request(app('traefik', true))
      .post('/forward-auth/session')
      .send({});
    expect(String(shared.headers['set-cookie'])).not.toMatch(/Domain=/i);
    expect(String(shared.headers['set-cookie'])).toMatch(/Path=\/services\//);
  });
});
