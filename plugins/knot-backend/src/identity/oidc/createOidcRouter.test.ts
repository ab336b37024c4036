import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())(
  'the mounted OIDC provider on %p',
  databaseId => {
    async function start(knex: Awaited<ReturnType<typeof databases.init>>) {
      const { server } = await startKnotTestBackend({
        knex,
        config: {
          app: { baseUrl: 'http://localhost:3000' },
          knot: {
            identity: {
              oidc: {
                clients: [
                  {
                    clientId: 'portal',
                    clientSecret: 'portal-secret',
                    redirectUris: ['http://localhost/callback'],
                  },
                ],
              },
            },
          },
        },
      });
      return server;
    }

    it('serves discovery without credentials and keeps its keys across restarts', async () => {
      const knex = await databases.init(databaseId);
      const server = await start(knex);
      const discovery = await request(server)
        .get('/api/knot/oidc/.well-known/openid-configuration')
        .set('Authorization', mockCredentials.none.header());
      expect(discovery.status).toBe(200);
      expect(discovery.body.issuer).toMatch(/\/api\/knot\/oidc$/);
      expect(discovery.body.code_challenge_methods_supported).toEqual(['S256']);
      const jwks = await request(server).get('/api/knot/oidc/jwks');

      const restarted = await start(knex);
      const jwksAfter = await request(restarted).get('/api/knot/oidc/jwks');
      expect(jwksAfter.body.keys).toHaveLength(1);
      expect(jwksAfter.body).toEqual(jwks.body);

      // The rest of the Knot API still requires credentials.
      const users = await request(server)
        .get('/api/knot/users')
        .set('Authorization', mockCredentials.none.header());
      expect(users.status).toBe(401);
    });
  },
);
