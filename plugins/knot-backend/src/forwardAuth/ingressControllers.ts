import type { Request } from 'express';

/**
 * The ingress controllers forward-auth trusts, and for each the one header
 * of the auth subrequest that the controller itself sets from the request it
 * routed, overwriting whatever the client sent:
 *
 * - `traefik` (Traefik v3 forwardAuth, also through its Kubernetes Ingress
 *   NGINX provider): `X-Forwarded-Host` (+ `X-Forwarded-Proto`,
 *   `X-Forwarded-Uri`). Traefik passes a client's `X-Original-URL` through
 *   untouched, so it is never read.
 * - `ingress-nginx`: `X-Original-URL` (`$scheme://$http_host$request_uri`).
 *   ingress-nginx passes a client's `X-Forwarded-Host` through, so it is
 *   never read.
 *
 * Trusting the other controller's header lets a client name any host.
 */
export const INGRESS_CONTROLLERS = ['traefik', 'ingress-nginx'] as const;
export type IngressController = (typeof INGRESS_CONTROLLERS)[number];

/** The service request an auth subrequest asks about. */
export interface ForwardedRequest {
  /** The host the ingress routed, as sent (port included, if any). */
  host: string;
  /** The URL the browser asked for, for the way back after sign-in. */
  url: string;
  /**
   * The path and query exactly as the ingress passed them (no dot segment
   * resolved, no escape decoded): URL-prefix mode reads its claim from it.
   */
  rawPath: string;
}

/** The one value of a header, or undefined when absent or repeated. */
function single(req: Request, name: string): string | undefined {
  const values = req.headersDistinct[name];
  if (!values || values.length !== 1) return undefined;
  return values[0].trim() || undefined;
}

/**
 * The routed request, from the header the configured controller sets;
 * undefined when it is missing or not one well-formed value (the ingress
 * always sends exactly one, so anything else did not come from it).
 */
export function forwardedRequest(
  req: Request,
  controller: IngressController,
): ForwardedRequest | undefined {
  if (controller === 'ingress-nginx') {
    const original = single(req, 'x-original-url');
    if (!original || !URL.canParse(original)) return undefined;
    const url = new URL(original);
    if (!['http:', 'https:'].includes(url.protocol) || !url.host) {
      return undefined;
    }
    // The path as sent: `new URL` would already have resolved `..`.
    const rawPath = original.match(
      /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i,
    )?.[1];
    return {
      host: url.host,
      url: url.toString(),
      rawPath: rawPath?.startsWith('/') ? rawPath : '/',
    };
  }
  const host = single(req, 'x-forwarded-host');
  // A list ("a, b") is what proxies append to: not Traefik's own value.
  if (!host || host.includes(',')) return undefined;
  const proto = single(req, 'x-forwarded-proto') === 'http' ? 'http' : 'https';
  const uri = single(req, 'x-forwarded-uri') ?? '/';
  const url = `${proto}://${host}${uri.startsWith('/') ? uri : '/'}`;
  return URL.canParse(url)
    ? { host, url, rawPath: uri.startsWith('/') ? uri : '/' }
    : undefined;
}
