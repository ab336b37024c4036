import type { ServicePrefixExposure } from './servicePrefixes';
/**
 * Names on charts (Chart.yaml annotations) and on the Templates Knot makes
 * of them, shared by the chart sources, the knot plugin and the permission
 * policy.
 */

/** Chart annotation (or label) marking a chart as install-once per profile. */
export const SINGLETON_ANNOTATION = 'knot.singleton';
/** Chart annotation with the template's display title. */
export const TITLE_ANNOTATION = 'knot.title';
/** Chart annotation with comma-separated template tags. */
export const TAGS_ANNOTATION = 'knot.tags';

/** Annotations a chart's Template carries, read back by the install action. */
export const CHART_ANNOTATION = 'knot/chart';
export const CHART_VERSION_ANNOTATION = 'knot/chart-version';
export const CHART_SOURCE_ANNOTATION = 'knot/chart-source';
/**
 * Annotation naming the profile a private chart's Template belongs to: only
 * who may act as that profile sees it (Knot's permission policy).
 */
export const CHART_PROFILE_ANNOTATION = 'knot/chart-profile';

/**
 * The parameters of a chart's Template: Knot's own inputs (`name`,
 * `profile`) at the top, the chart's values all under `values`, so that no
 * value of a chart can be read as one of Knot's inputs.
 */
export const TEMPLATE_VALUES_PARAMETER = 'values';

/** `ui:field` of a Template's service name: it shows the address as typed. */
export const SERVICE_NAME_FIELD = 'KnotServiceName';
/** `ui:field` of a Template's profile: the user and their teams. */
export const PROFILE_PICKER_FIELD = 'KnotProfilePicker';
/**
 * `ui:field` of a chart value that is an image reference
 * (`knot.metadata.<value>.image: true`): a picker of the profile's images
 * that still takes any reference typed in.
 */
export const IMAGE_PICKER_FIELD = 'KnotImagePicker';
/**
 * `ui:field` of a Template's quota check: on the form's last page, it asks
 * whether the chart with the chosen values fits the profile's quota and
 * holds the form back when it does not.
 */
export const QUOTA_FIT_FIELD = 'KnotQuotaFit';
/** The Template parameter {@link QUOTA_FIT_FIELD} keeps its verdict in. */
export const QUOTA_FIT_PARAMETER = 'quotaFit';

/** `ui:options` of {@link QUOTA_FIT_FIELD}: the chart deployed. */
export interface QuotaFitFieldOptions {
  chart: string;
  version: string;
}

/** `ui:options` of {@link SERVICE_NAME_FIELD}: where services are reached. */
export interface ServiceNameFieldOptions {
  domain: string;
  scheme: string;
  /** URL-prefix mode: services at `<host><pathPrefix>/<name>-<profile>/`. */
  prefix?: ServicePrefixExposure;
}
