import {
  hostOwner,
  type ServiceHostClaims,
} from '@knot-platform/plugin-knot-common';
import type { ServiceHostClaimsReader } from '../kubernetes/ServiceHostClaimsReader';

/** Which profile owns the service at a hostname. */
export interface HostOwnerResolver {
  /** The one owner, or undefined when no profile or more than one could be. */
  ownerOf(host: string): Promise<string | undefined>;
  /**
   * The one Helm release the host's Ingresses belong to (undefined: none,
   * or several): which service of its owner a share must name.
   */
  releaseAt?(host: string): Promise<string | undefined>;
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
    /**
     * How old a snapshot may be when the cached one finds no owner: a
     * service created a moment ago is served at once, not refused until the
     * cache expires; unknown hosts cost at most one cluster read this often.
     */
    private readonly missMaxAgeMs = 1_000,
  ) {}

  async ownerOf(host: string): Promise<string | undefined> {
    const owner = this.ownerIn(await this.reader.claims(), host);
    if (owner) return owner;
    return this.ownerIn(await this.reader.claims(this.missMaxAgeMs), host);
  }

  async releaseAt(host: string): Promise<string | undefined> {
    return (await this.reader.claims()).releaseAt(host);
  }

  private ownerIn(claims: ServiceHostClaims, host: string) {
    return hostOwner(
      host,
      this.domain,
      claims.claimants(host),
      claims.profileExists,
    );
  }
}
