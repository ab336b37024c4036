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
  ) {}

  async list(): Promise<KnotCatalogEntities> {
    const { stdout } = await this.helm.run([
      'list',
      '-A',
      '--all',
      '-o',
      'json',
    ]);
    const releases = (JSON.parse(stdout || '[]') as HelmRelease[]).filter(
      r => namespaceProfile(r.namespace, this.namespacePrefix) !== undefined,
    );
    return {
      items: await Promise.all(
        releases.map(async r => ({
          entity: await this.componentOf(r),
          locationKey: RELEASES_PROVIDER,
        })),
      ),
    };
  }

  async componentOf(release: HelmRelease): Promise<Entity> {
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
        owner: await this.access.ownerRef(profile),
      },
    };
  }
}
