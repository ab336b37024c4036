import express from 'express';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import { createForwardAuthRouter } from './forwardAuthRouter';
import { bearerToken, type SessionVerifier } from './SessionVerifier';
import { ActivityTracker } from '../idleStop/ActivityTracker';

// "Bearer alice" is alice's session; lab-alice is stopped, web-alice runs;
// bob has a share of lab.
const sessions: SessionVerifier = {
  async sessionOf(req) {
    const token = bearerToken(req);
    return token
      ? { user: `user:default/${token}`, from: 'bearer' }
      : undefined;
  },
};

function app() {
  const tracker = new ActivityTracker();
  const a = express();
  a.use(
    createForwardAuthRouter({
      controller: 'traefik',
      sessions,
      owners: {
        ownerOf: async host =>
          host.endsWith('-alice.knot.test') ? 'alice' : undefined,
        releaseAt: async host => host.split('-')[0],
      },
      access: {
        canActAs: async (user: string, profile: string) =>
          user === `user:default/${profile}`,
      } as any,
      shares: {
        admits: async (user, owner, service) =>
          user === 'bob' && owner === 'alice' && service === 'lab',
      },
      auth: mockServices.auth(),
      httpAuth: mockServices.httpAuth(),
      domain: 'knot.test',
      signInUrl: 'https://knot.test/knot/services/sign-in',
      cookieName: 'knot_session',
      secureCookie: true,
      idle: {
        tracker,
        stopper: {
          stoppedAt: async (_owner, host) =>
            host.startsWith('lab-')
              ? { release: 'lab<script>', afterMs: 8 * 3_600_000 }
              : undefined,
        },
        servicesPageUrl: 'https://knot.test/knot/services',
      },
    }),
  );
  return { app: a, tracker };
}

const ask = (a: express.Express, host: string, user?: string) => {
  const call = request(a).get('/forward-auth').set('X-Forwarded-Host', host);
  return user ? call.set('Authorization', `Bearer ${user}`) : call;
};

describe('forward-auth and idle stop', () => {
  it('notes each request it lets through, and only those', async () => {
    const { app: a, tracker } = app();
    expect((await ask(a, 'web-alice.knot.test', 'alice')).status).toBe(200);
    expect((await ask(a, 'web-alice.knot.test', 'mallory')).status).toBe(403);
    expect((await ask(a, 'web-alice.knot.test')).status).toBe(401);
    expect(tracker.drain().map(({ owner, host }) => ({ owner, host }))).toEqual(
      [{ owner: 'alice', host: 'web-alice.knot.test' }],
    );
  });

  it('shows a stopped service’s page to its owner, with the Services page to start it', async () => {
    const { app: a, tracker } = app();
    const res = await ask(a, 'lab-alice.knot.test', 'alice');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('stopped lab&lt;script&gt; after 8 h idle');
    expect(res.text).not.toContain('<script>');
    expect(res.text).toContain(
      'href="https://knot.test/knot/services?profile=alice&amp;start=lab%3Cscript%3E"',
    );
    // It starts nothing: no form, no API URL a GET could trigger.
    expect(res.text).not.toMatch(/<form|\/api\/knot/);
    expect(tracker.drain()).toEqual([]);
  });

  it('tells a user it is shared with to ask the owner; strangers still get 403', async () => {
    const { app: a } = app();
    const shared = await ask(a, 'lab-alice.knot.test', 'bob');
    expect(shared.status).toBe(503);
    expect(shared.text).toContain('Ask alice to start it again');
    expect(shared.text).not.toContain('href=');
    const stranger = await ask(a, 'lab-alice.knot.test', 'mallory');
    expect(stranger.status).toBe(403);
    expect(stranger.text).not.toContain('stopped');
    expect((await ask(a, 'lab-alice.knot.test')).status).toBe(401);
  });
});
