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

/** Somewhere charts are discovered: the bundled folder, a chart repository. */
export interface ChartSource {
  list(): Promise<ChartInfo[]>;
}

/** Chart annotation (or label) marking a chart as install-once per profile. */
export const SINGLETON_ANNOTATION = 'knot.singleton';
/** Chart annotation with the template's display title. */
export const TITLE_ANNOTATION = 'knot.title';
/** Chart annotation with comma-separated template tags. */
export const TAGS_ANNOTATION = 'knot.tags';
