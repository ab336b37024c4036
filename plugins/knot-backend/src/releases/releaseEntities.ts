import type { Entity } from '@backstage/catalog-model';
import {
  namespaceProfile,
  RELEASE_PROFILE_ANNOTATION,
  releaseComponentName,
  serviceUrl,
  type KnotCatalogEntities,
  type ServiceExposure,
} from '@knot-platform/plugin-knot-common';
import type { ProfileAccess } from '@knot-platform/plugin-knot-node';
import type { Helm, HelmRelease } from './Helm';
import { INSTANCE_LABEL } from './releaseStatus';

/** The catalog provider the release Components belong to. */
export const RELEASES_PROVIDER = 'knot-service-releases';

/** A catalog Component for every release in a profile namespace. */
export class ReleaseEntities {
  constructor(
    private readonly helm: Helm,
    private readonly access: Pick<ProfileAccess, 'ownerRef'>,
    private readonly exposure: ServiceExposure,
    private readonly namespacePrefix: string,
    /**
     * Profile namespaces to list one by one. The in-cluster portal may read
     * Secrets (helm's release records) only there, so `helm list -A` is
     * refused; without it (development) one `helm list -A` does.
     */
    private readonly profileNamespaces?: () => Promise<string[]>,
  ) {}

  private async releases(): Promise<HelmRelease[]> {
    if (!this.profileNamespaces) {
      const { stdout } = await this.helm.run([
        'list',
        '-A',
        '--all',
        // helm lists at most 256 releases unless told otherwise.
        '--max',
        '0',
        '-o',
        'json',
      ]);
      return JSON.parse(stdout || '[]') as HelmRelease[];
    }
    const namespaces = await this.profileNamespaces();
    const found: HelmRelease[] = [];
    // A few helm processes at a time: one per namespace.
    for (let i = 0; i < namespaces.length; i += 8) {
      const lists = await Promise.all(
        namespaces.slice(i, i + 8).map(ns => this.helm.list(ns)),
      );
      found.push(...lists.flat());
    }
    return found;
  }

  async list(): Promise<KnotCatalogEntities> {
    const releases = (await this.releases()).filter(
      r => namespaceProfile(r.namespace, this.namespacePrefix) !== undefined,
    );
    // One owner look-up per profile, not per release (a user store query each).
    const owners = new Map<string, Promise<string>>();
    const ownerRef = (profile: string) => {
      if (!owners.has(profile)) {
        owners.set(profile, this.access.ownerRef(profile));
      }
      return owners.get(profile)!;
    };
    return {
      items: await Promise.all(
        releases.map(async r => ({
          entity: await this.componentOf(r, ownerRef),
          locationKey: RELEASES_PROVIDER,
        })),
      ),
    };
  }

  async componentOf(
    release: HelmRelease,
    ownerRef: (profile: string) => Promise<string> = profile =>
      this.access.ownerRef(profile),
  ): Promise<Entity> {
    const profile = namespaceProfile(release.namespace, this.namespacePrefix)!;
    const location = `knot-releases:${release.namespace}`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: releaseComponentName(profile, release.name),
        title: `${release.name} (${profile})`,
        description: `Knot service ${release.name}: chart ${release.chart}`,
        annotations: {
          'backstage.io/managed-by-location': location,
          'backstage.io/managed-by-origin-location': location,
          // The chart's workloads carry the standard helm instance label.
          'backstage.io/kubernetes-id': release.name,
          'backstage.io/kubernetes-namespace': release.namespace,
          'backstage.io/kubernetes-label-selector': `${INSTANCE_LABEL}=${release.name}`,
          'knot/release': release.name,
          [RELEASE_PROFILE_ANNOTATION]: profile,
        },
        tags: ['knot-service'],
        links: [
          {
            url: serviceUrl(release.name, profile, this.exposure),
            title: 'Open the service',
          },
        ],
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: await ownerRef(profile),
      },
    };
  }
}
