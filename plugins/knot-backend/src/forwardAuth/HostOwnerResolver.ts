import { hostOwner } from '@knot-platform/plugin-knot-common';
import type { ServiceHostClaimsReader } from '../kubernetes/ServiceHostClaimsReader';

/** Which profile owns the service at a hostname. */
export interface HostOwnerResolver {
  /** The one owner, or undefined when no profile or more than one could be. */
  ownerOf(host: string): Promise<string | undefined>;
}

/**
 * The owner by the hostname rule (`hostOwner` in knot-common): exactly one
 * namespace's Ingresses name the host, it is a profile's, and no longer
 * existing profile name reads the host as its own.
 */
export class IngressHostOwnerResolver implements HostOwnerResolver {
  constructor(
    private readonly reader: ServiceHostClaimsReader,
    private readonly domain: string,
  ) {}

  async ownerOf(host: string): Promise<string | undefined> {
    const claims = await this.reader.claims();
    return hostOwner(
      host,
      this.domain,
      claims.claimants(host),
      claims.profileExists,
    );
  }
}
