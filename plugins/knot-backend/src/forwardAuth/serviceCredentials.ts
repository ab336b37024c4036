import type { Request } from 'express';
import type { Session } from './SessionVerifier';

/**
 * The `Cookie` and `Authorization` headers a user's service may receive:
 * the request's own, without Knot's credentials. Forward-auth answers them
 * and the ingress copies them onto the proxied request (they are among the
 * `auth-response-headers`; a header absent from the answer is removed), so
 * no service — a teammate's, a public one — ever sees a token it could
 * replay against Knot or another service.
 */
export function serviceCredentialHeaders(
  req: Request,
  cookieName: string,
  session: Session | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  // Browsers send one Cookie header (HTTP/2 may split it: Node joins them).
  const cookies = (req.headersDistinct.cookie ?? [])
    .flatMap(value => value.split(';'))
    .map(part => part.trim())
    .filter(part => part && part.split('=')[0].trim() !== cookieName);
  if (cookies.length > 0) headers.Cookie = cookies.join('; ');
  // Another scheme (a notebook's own `token …`) belongs to the service.
  const authorization = req.header('authorization');
  if (authorization && session?.from !== 'bearer') {
    headers.Authorization = authorization;
  }
  return headers;
}
