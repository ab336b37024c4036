import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { profileNamespace } from '@internal/plugin-knot-common';
import type { ProfileAccess } from '../profiles/ProfileAccess';
import type { ChartCatalog } from './ChartCatalog';
import type { Helm } from './Helm';
import { KNOT_VALUES_KEY } from './valuesSchema';
import { knotValues, serviceUrl, type ExposureSettings } from './knotValues';
import { RELEASE_NAME_PATTERN } from './templateFromChart';

/** Release labels (helm `--labels`) that let Knot find releases by chart. */
export const RELEASE_CHART_LABEL = 'knot-chart';

export interface InstallRequest {
  /** The signed-in user's entity ref. */
  actor: string;
  /** Profile to deploy as; the actor itself when empty. */
  profile?: string;
  chart: string;
  version?: string;
  name: string;
  values?: Record<string, unknown>;
  onLine?: (line: string) => void;
}

export interface InstallResult {
  release: string;
  namespace: string;
  profile: string;
  url: string;
  entityRef: string;
}

const MAX_RELEASE_LENGTH = 20;

/**
 * Deploys charts into profiles' namespaces: checks the profile, picks a free
 * release name, refuses a second singleton, adds the internal knot.* values.
 */
export class ServiceInstaller {
  constructor(
    private readonly helm: Helm,
    private readonly charts: ChartCatalog,
    private readonly access: ProfileAccess,
    private readonly exposure: ExposureSettings,
    private readonly namespacePrefix: string,
    private readonly namespaceExists: (namespace: string) => Promise<boolean>,
  ) {}

  /** The profile the actor asked for, after checking it may act as it. */
  async profileFor(actor: string, requested?: string): Promise<string> {
    const self = actor.replace(/^.*\//, '');
    const profile = requested?.trim() || self;
    if (!(await this.access.canActAs(actor, profile))) {
      throw new NotAllowedError(`You may not act as profile '${profile}'`);
    }
    return profile;
  }

  async install(request: InstallRequest): Promise<InstallResult> {
    if (!new RegExp(RELEASE_NAME_PATTERN).test(request.name)) {
      throw new InputError(
        `Invalid service name '${request.name}': use up to ${MAX_RELEASE_LENGTH} lower-case letters, digits and dashes, starting with a letter`,
      );
    }
    const profile = await this.profileFor(request.actor, request.profile);
    const namespace = profileNamespace(profile, this.namespacePrefix);
    const chart = await this.charts.find(request.chart, request.version);
    if (!chart) {
      throw new NotFoundError(
        `No chart '${request.chart}'${
          request.version ? ` version ${request.version}` : ''
        } is offered`,
      );
    }
    if (!(await this.namespaceExists(namespace))) {
      throw new NotFoundError(
        `Profile '${profile}' has no namespace ${namespace} yet (is it activated?)`,
      );
    }
    const existing = await this.helm.list(namespace);
    if (chart.singleton) {
      const same = await this.helm.list(
        namespace,
        `${RELEASE_CHART_LABEL}=${chart.name}`,
      );
      if (same.length) {
        throw new ConflictError(
          `${chart.title} can be deployed once per profile and '${profile}' already runs it as '${same[0].name}'`,
        );
      }
    }
    const release = uniqueName(
      request.name,
      new Set(existing.map(r => r.name)),
    );
    const { [KNOT_VALUES_KEY]: _internal, ...userValues } =
      request.values ?? {};
    const values = {
      ...userValues,
      [KNOT_VALUES_KEY]: knotValues({
        release,
        profile,
        namespace,
        exposure: this.exposure,
      }),
    };
    request.onLine?.(
      `Deploying ${chart.name} ${chart.version} as ${release} in ${namespace}`,
    );
    await this.helm.install({
      release,
      namespace,
      chart: chart.helmRef.chart,
      repo: chart.helmRef.repo,
      version: chart.helmRef.version ?? chart.version,
      values,
      labels: { [RELEASE_CHART_LABEL]: chart.name },
      onLine: request.onLine,
    });
    return {
      release,
      namespace,
      profile,
      url: serviceUrl(release, profile, this.exposure),
      entityRef: `component:default/${releaseComponentName(profile, release)}`,
    };
  }
}

/** The catalog name of a release's Component. */
export function releaseComponentName(profile: string, release: string): string {
  return `${release}-${profile}`;
}

/** `name`, or `name-2`, `name-3`… when the profile already has it. */
export function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) {
    const candidate = `${name}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}
