import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import { ScheduledEntityProvider } from '../catalog/ScheduledEntityProvider';
import type { ProfileAccess } from '../profiles/ProfileAccess';
import type { Helm, HelmRelease } from './Helm';
import { serviceUrl, type ExposureSettings } from './knotValues';
import { releaseComponentName } from './ServiceInstaller';

/** Emits a catalog Component for every release in a profile namespace. */
export class ReleaseComponentProvider extends ScheduledEntityProvider {
  constructor(
    private readonly helm: Helm,
    private readonly access: ProfileAccess,
    private readonly exposure: ExposureSettings,
    private readonly namespacePrefix: string,
    logger: LoggerService,
    schedule?: SchedulerServiceTaskRunner,
  ) {
    super(logger, schedule);
  }

  getProviderName(): string {
    return 'knot-service-releases';
  }

  protected async readEntities(): Promise<DeferredEntity[]> {
    const { stdout } = await this.helm.run([
      'list',
      '-A',
      '--all',
      '-o',
      'json',
    ]);
    const releases = (JSON.parse(stdout || '[]') as HelmRelease[]).filter(r =>
      r.namespace.startsWith(this.namespacePrefix),
    );
    const entities = await Promise.all(
      releases.map(async r => ({
        entity: await this.componentOf(r),
        locationKey: this.getProviderName(),
      })),
    );
    this.logger.debug(`Knot lists ${entities.length} service release(s)`);
    return entities;
  }

  async componentOf(release: HelmRelease): Promise<Entity> {
    const profile = release.namespace.slice(this.namespacePrefix.length);
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
          'backstage.io/kubernetes-label-selector': `app.kubernetes.io/instance=${release.name}`,
          'knot/release': release.name,
          'knot/profile': profile,
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
