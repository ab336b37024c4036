import type { Server } from 'node:http';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';

/** The Authorization header of a signed-in user. */
export const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/**
 * `PUT /api/knot/images/upload` of an archive as the Images page sends it
 * (`pushed: 'browser'`: its large layers are in the registry already).
 */
export function uploadImage(
  server: Server,
  user: string,
  query: { repository: string; tag: string; pushed?: 'browser' },
  archive: Buffer,
) {
  return request(server)
    .put('/api/knot/images/upload')
    .query(query)
    .set('Authorization', as(user))
    .set('Content-Type', 'application/octet-stream')
    .send(archive);
}
