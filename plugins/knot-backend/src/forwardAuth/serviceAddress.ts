import {
  type ServicePrefixExposure,
  normalizeHost,
  prefixAddress,
  servicePathClaim,
} from '@knot-platform/plugin-knot-common';
import type { ForwardedRequest } from './ingressControllers';

/** The address a request asks for, or why it names no service at all. */
export type RequestAddress =
  | { address: string; problem?: undefined }
  | { address?: undefined; problem: string };

/**
 * The service address of a routed request: its host in subdomain mode; in
 * URL-prefix mode, on the prefix host, `<label>.<host>` of the path's first
 * segment after the prefix (`servicePathClaim`: a path two routers could
 * read differently is refused). Ownership is then read from the address
 * with the hostname rule, as for hosts.
 */
export function requestAddress(
  forwarded: ForwardedRequest,
  prefix: ServicePrefixExposure | undefined,
): RequestAddress {
  const host = normalizeHost(forwarded.host);
  if (!prefix || host !== prefix.host) return { address: forwarded.host };
  const claim = servicePathClaim(forwarded.rawPath, prefix.pathPrefix);
  return claim.problem !== undefined
    ? { problem: claim.problem }
    : { address: prefixAddress(claim.label, host) };
}
