import type { PushGrant } from './pushGrants';

/** An upload session's id as distribution and Harbor make it (a UUID). */
const UPLOAD_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The query's parameters, or undefined when one is repeated, malformed or
 * not among `allowed`: the registry would read what we do not check.
 */
function params(
  query: string | undefined,
  allowed: string[],
): Map<string, string> | undefined {
  const found = new Map<string, string>();
  if (query === undefined || query === '') return found;
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (!allowed.includes(key) || found.has(key)) return undefined;
    try {
      found.set(key, decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1)));
    } catch {
      return undefined;
    }
  }
  return found;
}

/**
 * Why a registry request the browser sends through the ingress is not one
 * its push grant allows, or undefined when it is. Allowed, in the grant's
 * repository only, compared with the path exactly as sent (no dot segment,
 * escape, doubled slash or other case can name another repository), only
 * what the Images page sends (`pushLayoutBlobs`):
 *
 * - `POST /v2/<repo>/blobs/uploads/` with no query: a cross-repository
 *   mount (`?mount=&from=`) with Knot's credentials would copy a blob of
 *   any repository, another tenant's included;
 * - the closing `PUT` of an upload session `/v2/<repo>/blobs/uploads/<id>`
 *   (`?_state=` and `digest=` a digest of the grant): the registry keeps
 *   only bytes of that digest.
 *
 * Not a session's `PATCH` (bytes of no digest, without end), `GET` or
 * `DELETE`, nor a `HEAD` of a blob; manifests, tags, the catalog, other
 * blobs and repositories: refused.
 */
export function pushRequestProblem(
  grant: PushGrant,
  method: string,
  uri: string,
): string | undefined {
  const q = uri.indexOf('?');
  const path = q < 0 ? uri : uri.slice(0, q);
  const query = q < 0 ? undefined : uri.slice(q + 1);
  const blobs = `/v2/${grant.repository}/blobs/`;
  const uploads = `${blobs}uploads/`;
  const granted = (digest: string | undefined) =>
    !!digest && Object.hasOwn(grant.blobs, digest);
  if (!path.startsWith(blobs)) {
    return `The grant is for the blobs of ${grant.repository} only`;
  }
  if (method === 'POST') {
    // `uri`, not `path`: even an empty `?` is refused.
    if (uri === uploads) return undefined;
    return 'Only a plain upload may be started (no mount from another repository)';
  }
  if (method !== 'PUT') {
    return `${method} is not what the Images page sends for an upload`;
  }
  const id = path.startsWith(uploads) ? path.slice(uploads.length) : '';
  if (!UPLOAD_ID.test(id)) return 'Not an upload session of the grant';
  const given = params(query, ['_state', 'digest']);
  if (!given) return 'The upload has parameters the grant does not allow';
  if (!granted(given.get('digest'))) {
    return 'Only the blobs of the grant may be stored';
  }
  return undefined;
}
