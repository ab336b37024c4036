import { createTestDatabases } from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { as, startIdentityBackend } from './__testUtils__/identityBackend';
import { IDENTITY_ROUTES } from './__testUtils__/identityRoutes';

const databases = createTestDatabases();

jest.setTimeout(60_000);

/** Every Knot route a signed-in user's token reaches. */
const USER_ROUTES = [
  ...IDENTITY_ROUTES,
  ['get', '/api/knot/services'],
  ['post', '/api/knot/services'],
  ['get', '/api/knot/services/hello/values'],
  ['get', '/api/knot/services/hello/form'],
  ['put', '/api/knot/services/hello/values'],
  ['delete', '/api/knot/services/hello'],
  ['get', '/api/knot/files/private/list'],
  ['put', '/api/knot/files/private/file?path=x'],
  ['post', '/api/knot/files/private/upload'],
  ['get', '/api/knot/files/private/download?path=x'],
  ['get', '/api/knot/files/private/zip?path=x'],
  ['post', '/api/knot/files/private/mkdir'],
  ['post', '/api/knot/files/private/rename'],
  ['delete', '/api/knot/files/private?path=x'],
  ['get', '/api/knot/provisioning/profiles'],
  ['post', '/api/knot/provisioning/reconcile'],
  ['get', '/api/knot/provisioning/folders'],
  ['delete', '/api/knot/provisioning/folders/x'],
  ['post', '/api/knot/forward-auth/session'],
] as const;

describe.each(databases.eachSupportedId())(
  "a deactivated user's token on %p",
  databaseId => {
    it('opens no Knot route, from the moment of the deactivation', async () => {
      const { server, store } = await startIdentityBackend(
        databases,
        databaseId,
        { users: ['alice', 'bob', 'dana'] },
      );
      // alice is an admin, so that even the admin routes would answer her.
      await store.setAdmin('alice', true);
      await store.setAdmin('dana', true);
      expect(
        (
          await request(server)
            .get('/api/knot/me')
            .set('Authorization', as('alice'))
        ).status,
      ).toBe(200);

      const deactivate = await request(server)
        .patch('/api/knot/users/alice')
        .set('Authorization', as('dana'))
        .send({ active: false });
      expect(deactivate.status).toBe(200);

      for (const [method, path] of USER_ROUTES) {
        const response = await request(server)
          [method](path)
          .set('Authorization', as('alice'))
          .set('x-knot-profile', 'alice')
          .send({});
        expect({ method, path, status: response.status }).toEqual({
          method,
          path,
          status: 403,
        });
        expect(response.body.error?.message).toBe(
          "The account 'alice' is not active",
        );
      }
      // Others are not affected.
      expect(
        (
          await request(server)
            .get('/api/knot/me')
            .set('Authorization', as('bob'))
        ).status,
      ).toBe(200);
    });
  },
);
