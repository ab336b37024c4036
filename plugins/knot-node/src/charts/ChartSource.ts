import type { JsonObject } from '@backstage/types';

/** A chart version Knot can offer as a service template. */
export interface ChartInfo {
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  /** Display title: the `knot.title` annotation, else the chart name. */
  title: string;
  tags: string[];
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** Marked `knot-hidden` (annotation or label): not offered. */
  hidden: boolean;
  /** Annotated `knot.singleton`: at most one release per profile. */
  singleton: boolean;
  /** values.yaml as text (its comments are the form's help). */
  valuesYaml: string;
  /** values.schema.json when the chart has one. */
  valuesSchema?: JsonObject;
  /** Where the chart comes from, e.g. `bundled` or a repository URL. */
  source: string;
  /** What `helm install` is given: a chart directory, or a chart reference. */
  helmRef: { chart: string; repo?: string; version?: string };
  /**
   * Set for a chart of a per-profile location (a URL with `{profile}`): only
   * this user or team is offered it and may deploy it.
   */
  profile?: ChartProfile;
}

/** A user or team owning per-profile charts. */
export interface ChartProfile {
  name: string;
  team: boolean;
}

/** What the knot plugin tells a chart source each time it lists charts. */
export interface ChartSourceContext {
  /** The active users and teams, for sources with a location per profile. */
  profiles(): Promise<ChartProfile[]>;
}

/**
 * Somewhere charts are discovered: the bundled folder, a chart repository.
 * Modules of the knot plugin add sources through
 * `knotChartSourcesExtensionPoint`; a source that cannot be read logs why
 * and lists no charts, so that it never hides the others.
 */
export interface ChartSource {
  list(context: ChartSourceContext): Promise<ChartInfo[]>;
}
