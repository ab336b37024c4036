import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  KNOT_VALUES_KEY,
  MAX_RELEASE_NAME_LENGTH,
  RELEASE_CHART_LABEL,
  RELEASE_NAME_PATTERN,
  releaseEntityRef,
  releaseKnotValues,
  serviceUrl,
  type ActingProfile,
  type KnotServiceFit,
  type KnotServiceInstallRequest,
  type KnotServiceInstallResult,
} from '@knot-platform/plugin-knot-common';
import type { ChartInfo } from '@knot-platform/plugin-knot-node';
import type { ChartCatalog } from '../charts/ChartCatalog';
import type { QuotaFit } from '../quotaFit/QuotaFit';
import type { ServiceShares } from '../sharing/ServiceShares';
import type { ExposureSettings } from './config';
import { HelmError, type Helm, type HelmChartOptions } from './Helm';
import { helmInputError } from './helmInputError';

/** What the installer reads of a namespace before a singleton install. */
export interface ReleaseLookup {
  /** Helm releases of a namespace, with the chart label Knot gave them. */
  releases(namespace: string): Promise<{ name: string; chart?: string }[]>;
}

/** An install into a profile the caller has resolved (and so checked). */
export interface InstallRequest extends KnotServiceInstallRequest {
  profile: ActingProfile;
  /** Each progress line (helm's output) as it comes. */
  onLine?: (line: string) => void;
}

/**
 * Deploys charts into profiles' namespaces: picks a free release name,
 * refuses a second singleton and another profile's private chart, adds the
 * internal knot.* values.
 */
export class ServiceInstaller {
  constructor(
    private readonly helm: Helm,
    private readonly charts: ChartCatalog,
    private readonly exposure: ExposureSettings,
    private readonly cluster: ReleaseLookup,
    /** Refuses what the profile's quota cannot hold, before helm installs. */
    private readonly fit?: QuotaFit,
    /** Shares of an earlier service of the same name, ended on install. */
    private readonly shares?: Pick<ServiceShares, 'revokeAll'>,
  ) {}

  /** Whether the install would fit the profile's quota (nothing deployed). */
  async checkFit(request: InstallRequest): Promise<KnotServiceFit> {
    const chart = await this.offeredChart(request);
    if (!this.fit) return { fits: true, shortfalls: [] };
    try {
      return await this.fit.check(
        request.profile,
        this.helmOptions(chart, request, request.name),
      );
    } catch (e) {
      throw helmInputError(e);
    }
  }

  async install(request: InstallRequest): Promise<KnotServiceInstallResult> {
    const { name: profile, namespace } = request.profile;
    const chart = await this.offeredChart(request);
    // Only singletons look at the namespace first; otherwise helm itself
    // says whether the name is free or the namespace missing, which keeps
    // the install as fast as a bare `helm install`.
    const taken = new Set<string>();
    if (chart.singleton) {
      const existing = await this.cluster.releases(namespace);
      const same = existing.filter(r => r.chart === chart.name);
      if (same.length) {
        throw new ConflictError(
          `${chart.title} can be deployed once per profile and '${profile}' already runs it as '${same[0].name}'`,
        );
      }
      existing.forEach(r => taken.add(r.name));
    }
    let release = uniqueName(request.name, taken);
    // Before helm: a deploy the quota cannot hold leaves no release behind.
    try {
      await this.fit?.refuseUnlessFits(
        request.profile,
        this.helmOptions(chart, request, release),
      );
    } catch (e) {
      throw helmInputError(e);
    }
    for (let attempt = 0; ; attempt++) {
      request.onLine?.(
        `Deploying ${chart.name} ${chart.version} as ${release} in ${namespace}`,
      );
      try {
        await this.helm.install({
          ...this.helmOptions(chart, request, release),
          labels: { [RELEASE_CHART_LABEL]: chart.name },
          onLine: request.onLine,
        });
        break;
      } catch (e) {
        const stderr = e instanceof HelmError ? e.stderr : '';
        if (/namespaces? "[^"]+" not found/.test(stderr)) {
          throw new NotFoundError(
            `Profile '${profile}' has no namespace ${namespace} yet (is it activated?)`,
          );
        }
        if (
          /cannot re-use a name that is still in use/.test(stderr) &&
          attempt < 50
        ) {
          taken.add(release);
          release = uniqueName(request.name, taken);
          continue;
        }
        throw e;
      }
    }
    // Helm installed it anew, so a share of this name is an earlier
    // service's, which ended without the portal's delete (helm uninstall in
    // a terminal): it must not open the new one to that service's guests.
    await this.shares?.revokeAll(profile, release);
    return {
      release,
      namespace,
      profile,
      url: serviceUrl(release, profile, this.exposure),
      entityRef: releaseEntityRef(profile, release),
    };
  }

  /** A valid name and the chart it deploys, or the refusal. */
  private async offeredChart(request: InstallRequest): Promise<ChartInfo> {
    if (!new RegExp(RELEASE_NAME_PATTERN).test(request.name)) {
      throw new InputError(
        `Invalid service name '${request.name}': use up to ${MAX_RELEASE_NAME_LENGTH} lower-case letters, digits and dashes, starting with a letter`,
      );
    }
    const chart = await this.findChart(request, request.profile.name);
    if (!chart) {
      throw new NotFoundError(
        `No chart '${request.chart}'${
          request.version ? ` version ${request.version}` : ''
        } is offered`,
      );
    }
    return chart;
  }

  /** What helm deploys: the chart, the user's values and Knot's own. */
  private helmOptions(
    chart: ChartInfo,
    request: InstallRequest,
    release: string,
  ): HelmChartOptions {
    const { name: profile, namespace } = request.profile;
    const { [KNOT_VALUES_KEY]: _internal, ...userValues } =
      request.values ?? {};
    return {
      release,
      namespace,
      chart: chart.helmRef.chart,
      repo: chart.helmRef.repo,
      version: chart.helmRef.version ?? chart.version,
      values: {
        ...userValues,
        [KNOT_VALUES_KEY]: releaseKnotValues({
          release,
          profile,
          namespace,
          ...this.exposure,
        }),
      },
    };
  }

  /**
   * The chart to deploy as `profile`: a global one, or one of the profile's
   * own; another profile's own chart is refused.
   */
  private async findChart(request: InstallRequest, profile: string) {
    const refuse = (owner: string) =>
      new NotAllowedError(
        `Chart '${request.chart}' is a private chart of '${owner}' and can only be deployed as '${owner}', not as '${profile}'`,
      );
    const own = request.chartProfile?.trim();
    if (own && own !== profile) throw refuse(own);
    const chart = await this.charts.find(
      request.chart,
      request.version,
      profile,
    );
    if (own && chart?.profile?.name !== own) return undefined;
    if (!chart) {
      const owners = await this.charts.owners(request.chart, request.version);
      if (owners.length) throw refuse(owners.join("', '"));
    }
    return chart;
  }
}

/** `name`, or `name-2`, `name-3`… when the profile already has it. */
export function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) {
    const candidate = `${name}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}
