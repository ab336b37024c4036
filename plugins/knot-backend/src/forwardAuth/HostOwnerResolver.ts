import {
  hostOwnerCandidates,
  profileNamespace,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';

/** Which profile owns the service at a hostname. */
export interface HostOwnerResolver {
  ownerOf(host: string): Promise<string | undefined>;
}

/**
 * `<service>-<profile>.<domain>`: both parts may hold dashes, so every split
 * whose tail is a valid username is a candidate, and the owner is the one
 * whose namespace holds an Ingress for the host. Answers are cached briefly:
 * forward-auth runs on every request to a service.
 */
export class IngressHostOwnerResolver implements HostOwnerResolver {
  private readonly cache = new Map<string, { owner?: string; at: number }>();

  constructor(
    private readonly kubernetes: KubernetesClientFactory,
    private readonly domain: string,
    private readonly namespacePrefix: string,
    private readonly ttlMs = 10_000,
  ) {}

  async ownerOf(host: string): Promise<string | undefined> {
    const key = host.toLowerCase().replace(/:\d+$/, '');
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.owner;
    const networking = await this.kubernetes.makeClient(
      lib => lib.NetworkingV1Api,
    );
    let owner: string | undefined;
    for (const profile of hostOwnerCandidates(key, this.domain)) {
      const namespace = profileNamespace(profile, this.namespacePrefix);
      const ingresses = await networking
        .listNamespacedIngress({ namespace })
        .catch(() => ({ items: [] }));
      if (ingresses.items.some(i => i.spec?.rules?.some(r => r.host === key))) {
        owner = profile;
        break;
      }
    }
    this.cache.set(key, { owner, at: Date.now() });
    return owner;
  }
}
