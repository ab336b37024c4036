import net from 'node:net';
import express from 'express';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import { createForwardAuthRouter } from './forwardAuthRouter';
import type { IngressController } from './ingressControllers';
import {
  bearerToken,
  readCookie,
  type SessionVerifier,
} from './SessionVerifier';

// Sessions: the token is the username ("Bearer bob", "knot_session=bob").
const sessions: SessionVerifier = {
  async sessionOf(req) {
    const bearer = bearerToken(req);
    const token = bearer ?? readCookie(req, 'knot_session');
    return token
      ? { user: `user:default/${token}`, from: bearer ? 'bearer' : 'cookie' }
      : undefined;
  },
};

// hello-alice is alice's, x-bob is bob's; nothing else has an owner.
const owners = {
  async ownerOf(host: string) {
    return (
      {
        'hello-alice.knot.test': 'alice',
        'x-bob.knot.test': 'bob',
      } as Record<string, string>
    )[host.toLowerCase().replace(/:\d+$/, '')];
  },
};

function app(controller: IngressController) {
  const a = express();
  a.use(
    createForwardAuthRouter({
      controller,
      sessions,
      owners,
      access: {
        canActAs: async (user: string, profile: string) =>
          user === `user:default/${profile}`,
      } as any,
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth(),
      domain: 'knot.test',
      signInUrl: 'https://knot.test/knot/services/sign-in',
      cookieName: 'knot_session',
      secureCookie: true,
    }),
  );
  return a;
}

const traefik = app('traefik');
const nginx = app('ingress-nginx');

describe('forward-auth reads the host only from the controller’s own header', () => {
  it('Traefik: X-Forwarded-Host decides; a client X-Original-URL is ignored', async () => {
    // Traefik sets X-Forwarded-Host to the routed host (alice's) and passes
    // the client's X-Original-URL through.
    const res = await request(traefik)
      .get('/forward-auth')
      .set('X-Forwarded-Host', 'hello-alice.knot.test')
      .set('X-Original-URL', 'https://x-bob.knot.test/')
      .set('Authorization', 'Bearer bob');
    expect(res.status).toBe(403);
    const owner = await request(traefik)
      .get('/forward-auth')
      .set('X-Forwarded-Host', 'hello-alice.knot.test')
      .set('Authorization', 'Bearer alice');
    expect(owner.status).toBe(200);
    expect(owner.headers['x-knot-user']).toBe('alice');
  });

  it('Traefik: refuses a request without exactly one X-Forwarded-Host', async () => {
    for (const headers of [
      { 'X-Original-URL': 'https://x-bob.knot.test/' },
      { 'X-Forwarded-Host': 'x-bob.knot.test, hello-alice.knot.test' },
      { 'X-Forwarded-Host': '' },
    ]) {
      const res = await request(traefik)
        .get('/forward-auth')
        .set(headers)
        .set('Authorization', 'Bearer bob');
      expect(res.status).toBe(400);
      expect(res.text).toContain('exactly one X-Forwarded-Host');
    }
    // Two header lines (supertest cannot send them: raw HTTP).
    const raw = await rawGet(traefik, [
      'X-Forwarded-Host: x-bob.knot.test',
      'X-Forwarded-Host: hello-alice.knot.test',
      'Authorization: Bearer bob',
    ]);
    expect(raw).toMatch(/^HTTP\/1.1 400/);
  });

  it('ingress-nginx: X-Original-URL decides; a client X-Forwarded-Host is ignored', async () => {
    // The reported spoof: ingress-nginx routes to alice's service and sets
    // X-Original-URL; the client adds X-Forwarded-Host naming bob's host.
    const res = await request(nginx)
      .get('/forward-auth')
      .set('X-Original-URL', 'https://hello-alice.knot.test/lab?x=1')
      .set('X-Forwarded-Host', 'x-bob.knot.test')
      .set('Authorization', 'Bearer bob');
    expect(res.status).toBe(403);
    const anonymous = await request(nginx)
      .get('/forward-auth')
      .set('X-Original-URL', 'https://hello-alice.knot.test/lab?x=1')
      .set('X-Forwarded-Host', 'x-bob.knot.test');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.location).toBe(
      `https://knot.test/knot/services/sign-in?rd=${encodeURIComponent(
        'https://hello-alice.knot.test/lab?x=1',
      )}`,
    );
    const none = await request(nginx)
      .get('/forward-auth')
      .set('X-Forwarded-Host', 'x-bob.knot.test')
      .set('Authorization', 'Bearer bob');
    expect(none.status).toBe(400);
    expect(none.text).toContain('exactly one X-Original-URL');
  });
});

describe("forward-auth keeps Knot's credentials from services", () => {
  it('answers the Cookie header without the session cookie', async () => {
    const res = await request(traefik)
      .get('/forward-auth')
      .set('X-Forwarded-Host', 'hello-alice.knot.test')
      .set('Cookie', 'theme=dark; knot_session=alice; _xsrf=abc');
    expect(res.status).toBe(200);
    expect(res.headers.cookie).toBe('theme=dark; _xsrf=abc');
    expect(res.headers.authorization).toBeUndefined();
    // Only the session: no Cookie in the answer, so the ingress drops it.
    const only = await request(traefik)
      .get('/forward-auth')
      .set('X-Forwarded-Host', 'hello-alice.knot.test')
      .set('Cookie', 'knot_session=alice');
    expect(only.status).toBe(200);
    expect(only.headers.cookie).toBeUndefined();
  });

  it("drops Knot's bearer token but keeps a service's own Authorization", async () => {
    const bearer = await request(traefik)
      .get('/forward-auth')
      .set('X-Forwarded-Host', 'hello-alice.knot.test')
      .set('Authorization', 'Bearer alice');
    expect(bearer.status).toBe(200);
    expect(bearer.headers.authorization).toBeUndefined();
    const own = await request(traefik)
      .get('/forward-auth')
      .set('X-Forwarded-Host', 'hello-alice.knot.test')
      .set('Cookie', 'knot_session=alice')
      .set('Authorization', 'token notebook-secret');
    expect(own.headers.authorization).toBe('token notebook-secret');
  });

  it('public services: everyone passes, without the session cookie', async () => {
    const res = await request(traefik)
      .get('/forward-auth/public')
      .set('X-Forwarded-Host', 'site-bob.knot.test')
      .set('Cookie', 'knot_session=alice; a=1');
    expect(res.status).toBe(200);
    expect(res.headers.cookie).toBe('a=1');
    expect(res.headers['x-knot-user']).toBeUndefined();
  });
});

/** A GET with raw header lines, for forms HTTP clients do not produce. */
async function rawGet(handler: express.Express, lines: string[]) {
  const server = handler.listen(0, '127.0.0.1');
  await new Promise(r => server.once('listening', r));
  const { port } = server.address() as net.AddressInfo;
  try {
    return await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end(
          `GET /forward-auth HTTP/1.1\r\nHost: knot\r\nConnection: close\r\n${lines.join(
            '\r\n',
          )}\r\n\r\n`,
        );
      });
      let data = '';
      socket.on('data', d => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
}
