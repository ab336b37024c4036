import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  routeTable,
  seedKnotUsers,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import type { Server } from 'node:http';
import request from 'supertest';

jest.setTimeout(180_000);

const databases = createTestDatabases();

/**
 * Who a route is for, which decides who may call it for whom:
 * - `profile`: acts on the profile of the `x-knot-profile` header;
 * - `self`: acts on the signed-in user only;
 * - `team-owner`: a self-service team's owners only (nobody owns the
 *   admin-made team t);
 * - `admin`: Knot admins only (a `knot.*` permission);
 * - `service`: other plugins only (service credentials);
 * - `public`: no Backstage credentials (forward-auth, OIDC login pages),
 *   or more than them (a push grant), checked by their own suites;
 * - `framework`: Backstage's own routes of every plugin.
 */
type Access =
  | 'profile'
  | 'self'
  | 'team-owner'
  | 'admin'
  | 'service'
  | 'public'
  | 'framework';

/**
 * Every route of the knot plugin. A route added to the plugin without a
 * line here fails the first test: decide who it is for, and the matrix
 * tries it with everyone.
 */
const MATRIX: Record<string, Access> = {
  'DELETE /.backstage/auth/v1/cookie': 'framework',
  'GET /.backstage/auth/v1/cookie': 'framework',
  'GET /.backstage/auth/v1/jwks.json': 'framework',
  'POST /.well-known/backstage/permissions/apply-conditions': 'framework',
  'GET /.well-known/backstage/permissions/metadata': 'framework',
  'GET /acting-profiles': 'service',
  'GET /catalog/entities/profiles': 'service',
  'GET /catalog/entities/releases': 'service',
  'GET /catalog/entities/templates': 'service',
  'GET /profile-access/:profile': 'service',
  'GET /datasets': 'profile',
  'POST /datasets': 'profile',
  'POST /datasets/test': 'profile',
  'DELETE /datasets/:name': 'profile',
  'GET /images': 'profile',
  'PUT /images/upload': 'profile',
  'POST /images/pushes': 'profile',
  // The ingress's auth-url for browser pushes: a user and a push grant
  // (browserPush.registry.test.ts, pushRequestProblem.test.ts).
  'GET /images/push-auth': 'public',
  'DELETE /images': 'admin',
  'DELETE /files/:domain': 'profile',
  'GET /files/:domain/download': 'profile',
  'PUT /files/:domain/file': 'profile',
  'GET /files/:domain/list': 'profile',
  'POST /files/:domain/mkdir': 'profile',
  'POST /files/:domain/rename': 'profile',
  'POST /files/:domain/upload': 'profile',
  'GET /files/:domain/zip': 'profile',
  'GET /profile': 'profile',
  'POST /profile/switch': 'profile',
  'GET /audit': 'self',
  'GET /audit/export': 'admin',
  'GET /quota': 'profile',
  'GET /admin/quotas': 'admin',
  'PUT /admin/quotas/:profile': 'admin',
  'DELETE /admin/quotas/:profile': 'admin',
  'GET /services': 'profile',
  'POST /services': 'profile',
  'POST /services/fit': 'profile',
  'POST /services/:name/fit': 'profile',
  'DELETE /services/:name': 'profile',
  'GET /services/:name/events': 'profile',
  'GET /services/:name/logs': 'profile',
  'GET /services/:name/pods': 'profile',
  'GET /services/:name/form': 'profile',
  'GET /services/:name/values': 'profile',
  'PUT /services/:name/values': 'profile',
  'GET /services/:name/shares': 'profile',
  'POST /services/:name/shares': 'profile',
  'DELETE /services/:name/shares/:grantee': 'profile',
  'POST /services/:name/start': 'profile',
  'PUT /services/:name/keep-running': 'profile',
  'GET /me/shared-services': 'self',
  'GET /forward-auth': 'public',
  'GET /forward-auth/public': 'public',
  'POST /forward-auth/session': 'self',
  'GET /health': 'self',
  'GET /integrations': 'self',
  'GET /me': 'self',
  'POST /me/password': 'self',
  'GET /me/teams': 'self',
  'POST /me/teams': 'self',
  'GET /me/invitations': 'self',
  'POST /me/invitations/:team/accept': 'self',
  'POST /me/invitations/:team/decline': 'self',
  'POST /me/teams/:team/invitations': 'team-owner',
  'DELETE /me/teams/:team/invitations/:username': 'team-owner',
  'PUT /me/teams/:team/members/:username/role': 'team-owner',
  'DELETE /me/teams/:team/members/:username': 'team-owner',
  'POST /me/teams/:team/transfer': 'team-owner',
  'POST /me/teams/:team/leave': 'self',
  'GET /oidc/interaction/:uid': 'public',
  'POST /oidc/interaction/:uid/abort': 'public',
  'POST /oidc/interaction/:uid/confirm': 'public',
  'POST /oidc/interaction/:uid/login': 'public',
  'GET /oidc/interaction/:uid/signup': 'public',
  'POST /oidc/interaction/:uid/signup': 'public',
  'GET /provisioning/folders': 'admin',
  'DELETE /provisioning/folders/:name': 'admin',
  'GET /provisioning/profiles': 'admin',
  'POST /provisioning/reconcile': 'admin',
  'GET /teams': 'admin',
  'POST /teams': 'admin',
  'DELETE /teams/:team': 'admin',
  'PATCH /teams/:team': 'admin',
  'POST /teams/:team/members': 'admin',
  'DELETE /teams/:team/members/:username': 'admin',
  'GET /users': 'admin',
  'DELETE /users/:username': 'admin',
  'PATCH /users/:username': 'admin',
};

/** Path parameters: always another profile's things where there is one. */
const PARAMS: Record<string, string> = {
  domain: 'private',
  name: 'hello',
  uid: 'x',
  profile: 'alice',
  team: 't',
  username: 'alice',
  grantee: 'bob',
};

/**
 * The callers: alice and bob (users), carol (member of team t), dana (an
 * admin), erin (deactivated) and an anonymous caller; each acting as a
 * profile (the x-knot-profile header).
 */
interface Attempt {
  caller: 'alice' | 'bob' | 'carol' | 'dana' | 'erin' | 'anonymous';
  actingAs?: string;
}

const ATTEMPTS: Attempt[] = [
  { caller: 'alice', actingAs: 'alice' },
  { caller: 'alice', actingAs: 'bob' },
  { caller: 'alice', actingAs: 't' },
  { caller: 'bob', actingAs: 'alice' },
  { caller: 'bob', actingAs: 't' },
  { caller: 'carol', actingAs: 't' },
  { caller: 'carol', actingAs: 'alice' },
  { caller: 'dana', actingAs: 'alice' },
  { caller: 'dana', actingAs: 't' },
  { caller: 'erin', actingAs: 'erin' },
  { caller: 'erin', actingAs: 'alice' },
  { caller: 'anonymous', actingAs: 'alice' },
];

/** The answer an attempt must get: refused (401/403) or let through. */
function expected(access: Access, attempt: Attempt): 401 | 403 | 'allowed' {
  const { caller, actingAs } = attempt;
  if (caller === 'anonymous') return 401;
  // A deactivated account opens no route, whatever its token.
  if (caller === 'erin') return 403;
  switch (access) {
    case 'service':
      return 403;
    case 'admin':
      return caller === 'dana' ? 'allowed' : 403;
    case 'self':
      return 'allowed';
    case 'team-owner':
      return 403;
    case 'profile':
      return caller === 'dana' ||
        actingAs === caller ||
        (caller === 'carol' && actingAs === 't')
        ? 'allowed'
        : 403;
    default:
      throw new Error(`${access} routes are not tried here`);
  }
}

/**
 * Routes tried elsewhere than at {@link PARAMS}: carol leaving team t would
 * change the answers of the routes tried after it (self-service teams'
 * suite tries leaving).
 */
const PATHS: Record<string, string> = {
  'POST /me/teams/:team/leave': '/me/teams/no-such-team/leave',
};

function concrete(method: string, path: string): string {
  return (
    PATHS[`${method} ${path}`] ??
    path.replace(/:(\w+)/g, (_, name: string) => PARAMS[name] ?? name)
  );
}

describe('the cross-tenant matrix of the knot plugin', () => {
  let server: Server;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    ({ server } = (await startKnotTestBackend({ knex })) as unknown as {
      server: Server;
    });
    await seedKnotUsers(knex, {
      users: ['alice', 'bob', 'carol', 'erin'],
      admins: ['dana'],
      teams: { t: ['carol'] },
    });
    // erin was approved, then deactivated.
    await knex('knot_users')
      .where({ username: 'erin' })
      .update({ active: false });
  });

  it('has an entry for every route of the plugin, and no other', () => {
    const routes = routeTable(server, '/api/knot').map(
      r => `${r.method} ${r.path}`,
    );
    expect(routes.sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it('lets nobody reach another profile, an admin route or a service route', async () => {
    const unexpected: string[] = [];
    let tried = 0;
    for (const route of routeTable(server, '/api/knot')) {
      const access = MATRIX[`${route.method} ${route.path}`];
      if (!access || access === 'public' || access === 'framework') continue;
      const path = `/api/knot${concrete(route.method, route.path)}`;
      for (const attempt of ATTEMPTS) {
        tried++;
        const call = request(server)
          [route.method.toLowerCase() as 'get'](`${path}?path=x`)
          .set(
            'Authorization',
            attempt.caller === 'anonymous'
              ? mockCredentials.none.header()
              : mockCredentials.user.header(`user:default/${attempt.caller}`),
          );
        if (attempt.actingAs) call.set('x-knot-profile', attempt.actingAs);
        const { status } = await call.send({});
        const want = expected(access, attempt);
        const ok =
          want === 'allowed'
            ? status !== 401 && status !== 403
            : status === want;
        if (!ok) {
          unexpected.push(
            `${route.method} ${route.path} by ${attempt.caller} as ${attempt.actingAs}: ${status}, expected ${want}`,
          );
        }
      }
    }
    expect(unexpected).toEqual([]);
    // The size of the matrix, for the record (see the closing note).
    expect(tried).toBeGreaterThan(400);
  });
});
