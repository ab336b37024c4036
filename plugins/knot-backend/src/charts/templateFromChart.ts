import type { Entity } from '@backstage/catalog-model';
import {
  CHART_ANNOTATION,
  CHART_SOURCE_ANNOTATION,
  CHART_VERSION_ANNOTATION,
  MAX_RELEASE_NAME_LENGTH,
  PROFILE_PICKER_FIELD,
  QUOTA_FIT_FIELD,
  QUOTA_FIT_PARAMETER,
  RELEASE_NAME_PATTERN,
  SERVICE_NAME_FIELD,
  TEMPLATE_VALUES_PARAMETER,
  type QuotaFitFieldOptions,
  type ServiceExposure,
  type ServiceNameFieldOptions,
} from '@knot-platform/plugin-knot-common';
import type { ChartInfo } from '@knot-platform/plugin-knot-node';
import {
  schemaFromJsonSchema,
  schemaFromValuesYaml,
  type JsonSchema,
} from './valuesSchema';

function dnsName(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** The catalog name of the Template of one chart version. */
export function templateName(chart: ChartInfo): string {
  return dnsName(`knot-${chart.name}-${chart.version}`);
}

/** The form of a chart: its values.schema.json when present, else values.yaml. */
export function chartForm(chart: ChartInfo): JsonSchema {
  return chart.valuesSchema
    ? schemaFromJsonSchema(chart.valuesSchema, chart.valuesYaml)
    : schemaFromValuesYaml(chart.valuesYaml);
}

/**
 * The Software Template of one chart version: a "Service" page (release name,
 * profile), a "Settings" page with the chart's values under one parameter
 * (`values`), one `knot:helm:install` step.
 */
export function templateFromChart(
  chart: ChartInfo,
  options: {
    owner: string;
    latest: boolean;
    location: string;
    /** Where services are reached: the address shown under the name. */
    exposure: ServiceExposure;
  },
): Entity {
  const form = chartForm(chart);
  const hasValues = Object.keys(form.properties ?? {}).length > 0;
  const defaultName = dnsName(chart.name)
    .slice(0, MAX_RELEASE_NAME_LENGTH)
    .replace(/-+$/, '');
  const parameters: JsonSchema[] = [
    {
      title: 'Service',
      required: ['name'],
      properties: {
        name: {
          title: 'Name',
          type: 'string',
          description: `Lower-case letters, digits and dashes; the service is reached at ${
            options.exposure.prefix
              ? `${options.exposure.prefix.host}${options.exposure.prefix.pathPrefix}/NAME-PROFILE/`
              : `NAME-PROFILE.${options.exposure.domain}`
          }`,
          pattern: RELEASE_NAME_PATTERN,
          maxLength: MAX_RELEASE_NAME_LENGTH,
          default: defaultName,
          // plugins/knot's field: the address as name and profile are typed.
          'ui:field': SERVICE_NAME_FIELD,
          'ui:options': {
            domain: options.exposure.domain,
            scheme: options.exposure.scheme,
            ...(options.exposure.prefix && {
              prefix: {
                host: options.exposure.prefix.host,
                pathPrefix: options.exposure.prefix.pathPrefix,
              },
            }),
          } satisfies ServiceNameFieldOptions,
        },
        profile: {
          title: 'Profile',
          type: 'string',
          description:
            'The user or team to deploy as; leave empty for yourself',
          // plugins/knot's picker: you and your teams (a text box without it).
          'ui:field': PROFILE_PICKER_FIELD,
        },
      },
    },
  ];
  // plugins/knot's check on the last page: whether the chart with the
  // chosen values fits the profile's quota, before Create is offered.
  const quotaFit: JsonSchema = {
    title: 'Quota',
    type: 'string',
    'ui:field': QUOTA_FIT_FIELD,
    'ui:options': {
      chart: chart.name,
      version: chart.version,
    } satisfies QuotaFitFieldOptions,
    'ui:backstage': { review: { show: false } },
  };
  if (hasValues) {
    parameters.push({
      title: 'Settings',
      properties: {
        [TEMPLATE_VALUES_PARAMETER]: {
          ...form,
          title: `Settings of ${chart.title}`,
          description: `The values of the ${chart.name} chart ${chart.version}`,
        },
        [QUOTA_FIT_PARAMETER]: quotaFit,
      },
    });
  } else {
    parameters[0].properties![QUOTA_FIT_PARAMETER] = quotaFit;
  }
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: templateName(chart),
      title: options.latest ? chart.title : `${chart.title} ${chart.version}`,
      description: chart.description ?? `Deploy the ${chart.name} chart`,
      tags: [...new Set(['knot', ...chart.tags.map(dnsName)])].filter(Boolean),
      annotations: {
        [CHART_ANNOTATION]: chart.name,
        [CHART_VERSION_ANNOTATION]: chart.version,
        [CHART_SOURCE_ANNOTATION]: chart.source,
        'backstage.io/managed-by-location': options.location,
        'backstage.io/managed-by-origin-location': options.location,
      },
    },
    spec: {
      owner: options.owner,
      type: 'service',
      parameters,
      steps: [
        {
          id: 'install',
          name: 'Deploy with Helm',
          action: 'knot:helm:install',
          input: {
            chart: chart.name,
            version: chart.version,
            name: '${{ parameters.name }}',
            profile: '${{ parameters.profile }}',
            ...(hasValues && {
              values: `\${{ parameters.${TEMPLATE_VALUES_PARAMETER} }}`,
            }),
          },
        },
      ],
      output: {
        links: [
          { title: 'Open the service', url: '${{ steps.install.output.url }}' },
          {
            title: 'Service in the catalog',
            entityRef: '${{ steps.install.output.entityRef }}',
          },
        ],
      },
    },
  };
}
