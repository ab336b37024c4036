import type { PushGrant } from './pushGrants';
import { pushRequestProblem } from './pushRequestProblem';

const GRANTED = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const STATE = 'eyJuYW1lIjoiYWxpY2UvZW52In0%3D';

const grant: PushGrant = {
  user: 'user:default/alice',
  profile: 'alice',
  repository: 'alice/env',
  blobs: { [GRANTED]: 3 * 1024 * 1024 },
  expiresAt: Date.now() + 60_000,
};

const allowed = (method: string, uri: string) =>
  pushRequestProblem(grant, method, uri) === undefined;

describe('pushRequestProblem: what a push grant lets through', () => {
  it.each([
    ['POST', '/v2/alice/env/blobs/uploads/'],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/${ID}?_state=${STATE}&digest=${GRANTED}`,
    ],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/${ID}?digest=${encodeURIComponent(GRANTED)}`,
    ],
  ])('lets %s %s through', (method, uri) => {
    expect(allowed(method, uri)).toBe(true);
  });

  // Each row fails without one check of pushRequestProblem.
  it.each([
    // Other resources of the same repository.
    ['PUT', '/v2/alice/env/manifests/latest', 'a manifest'],
    ['GET', '/v2/alice/env/manifests/latest', 'a manifest read'],
    ['DELETE', `/v2/alice/env/manifests/${GRANTED}`, 'a manifest delete'],
    ['GET', '/v2/alice/env/tags/list', 'the tags'],
    ['GET', '/v2/_catalog', 'the catalog'],
    ['GET', '/v2/', 'the API root'],
    ['GET', `/v2/alice/env/blobs/${GRANTED}`, 'a blob download'],
    ['DELETE', `/v2/alice/env/blobs/${GRANTED}`, 'a blob delete'],
    // What the Images page never sends: a session's PATCH takes bytes of
    // no digest without end, whatever size the grant names.
    ['PATCH', `/v2/alice/env/blobs/uploads/${ID}?_state=${STATE}`, 'a chunk'],
    ['GET', `/v2/alice/env/blobs/uploads/${ID}?_state=${STATE}`, 'a status'],
    ['DELETE', `/v2/alice/env/blobs/uploads/${ID}?_state=${STATE}`, 'a cancel'],
    ['HEAD', `/v2/alice/env/blobs/${GRANTED}`, 'a lookup'],
    // Cross-repository mounts: another tenant's blob with Knot's rights.
    [
      'POST',
      `/v2/alice/env/blobs/uploads/?mount=${OTHER}&from=bob/env`,
      'a mount',
    ],
    ['POST', `/v2/alice/env/blobs/uploads/?from=bob/env`, 'a mount source'],
    [
      'POST',
      `/v2/alice/env/blobs/uploads/?digest=${GRANTED}`,
      'a monolithic POST',
    ],
    ['POST', '/v2/alice/env/blobs/uploads/?', 'an empty query'],
    ['POST', `/v2/alice/env/blobs/uploads/${ID}`, 'a POST to a session'],
    // Closing an upload with another digest, or none.
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/${ID}?digest=${OTHER}`,
      'another digest',
    ],
    ['PUT', `/v2/alice/env/blobs/uploads/${ID}?_state=${STATE}`, 'no digest'],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/${ID}?digest=${GRANTED}&digest=${OTHER}`,
      'two digests',
    ],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/${ID}?digest=${OTHER}&digest=${GRANTED}`,
      'two digests, the granted one last',
    ],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/${ID}?_state=a&_state=b&digest=${GRANTED}`,
      'two states',
    ],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/${ID}?digest=${GRANTED}&mount=x`,
      'another parameter',
    ],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/${ID}?digest=%E0%A4%A`,
      'a malformed escape',
    ],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/${ID}?digest=toString`,
      'a prototype name',
    ],
    // Other repositories, and paths that could be read as one.
    ['POST', '/v2/bob/env/blobs/uploads/', 'another repository'],
    [
      'PUT',
      `/v2/alice/enx/blobs/uploads/${ID}?digest=${GRANTED}`,
      'a name of the same length',
    ],
    ['POST', '/v2/alice/env/sub/blobs/uploads/', 'a repository below'],
    ['POST', '/v2/alice/blobs/uploads/', 'a repository above'],
    ['POST', '/v2/alice/env2/blobs/uploads/', 'a longer name'],
    ['POST', '/v2/Alice/env/blobs/uploads/', 'another case'],
    ['POST', '/v2/alice//env/blobs/uploads/', 'a doubled slash'],
    ['POST', '/v2//alice/env/blobs/uploads/', 'a doubled slash first'],
    ['POST', '/v2/alice/./env/blobs/uploads/', 'a dot segment'],
    [
      'POST',
      '/v2/alice/env/blobs/uploads/../../../bob/env/blobs/uploads/',
      'dot-dot',
    ],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/../../../../bob/env/blobs/uploads/${ID}?digest=${GRANTED}`,
      'dot-dot in a session',
    ],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/..%2F..%2Fbob%2Fenv?digest=${GRANTED}`,
      'encoded slashes',
    ],
    [
      'PUT',
      `/v2/alice%2Fenv/blobs/uploads/x?digest=${GRANTED}`,
      'an encoded repository',
    ],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/${ID}/more?digest=${GRANTED}`,
      'below a session',
    ],
    ['PUT', `/v2/alice/env/blobs/uploads/?digest=${GRANTED}`, 'no session'],
    [
      'PUT',
      `/v2/alice/env/blobs/uploads/a.b?digest=${GRANTED}`,
      'a dot in a session',
    ],
    // Methods that are no part of a push.
    ['OPTIONS', '/v2/alice/env/blobs/uploads/', 'OPTIONS'],
    ['OPTIONS', `/v2/alice/env/blobs/uploads/${ID}`, 'OPTIONS of a session'],
    ['TRACE', `/v2/alice/env/blobs/uploads/${ID}`, 'TRACE of a session'],
    [
      'put',
      `/v2/alice/env/blobs/uploads/${ID}?digest=${GRANTED}`,
      'a lowercase PUT',
    ],
    ['CONNECT', '/v2/alice/env/blobs/uploads/', 'CONNECT'],
    ['post', '/v2/alice/env/blobs/uploads/', 'a lowercase method'],
    [
      'PUT',
      `https://evil.example/v2/alice/env/blobs/uploads/${ID}?digest=${GRANTED}`,
      'an absolute URI',
    ],
  ])('refuses %s %s (%s)', (method, uri) => {
    expect(allowed(method, uri)).toBe(false);
  });
});
