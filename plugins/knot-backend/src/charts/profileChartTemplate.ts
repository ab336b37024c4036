import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import {
  CHART_PROFILE_ANNOTATION,
  profileOwnerRef,
} from '@knot-platform/plugin-knot-common';
import type { ChartProfile } from '@knot-platform/plugin-knot-node';

/**
 * Turns the Template of a chart into the Template of `profile`'s private copy:
 * its own name and a title that says whose it is, owned by the profile, the
 * profile fixed in the form and handed to `knot:helm:install`, which refuses
 * to deploy it as anyone else.
 */
export function privateChartTemplate(
  template: Entity,
  profile: ChartProfile,
): Entity {
  const spec = template.spec as JsonObject & {
    parameters: Array<{ properties?: Record<string, JsonObject> }>;
    steps: Array<{ input: JsonObject }>;
  };
  const service = spec.parameters[0]?.properties ?? {};
  return {
    ...template,
    metadata: {
      ...template.metadata,
      name: `knot-${profile.name}-${template.metadata.name.replace(
        /^knot-/,
        '',
      )}`
        .slice(0, 63)
        .replace(/-+$/, ''),
      title: `${template.metadata.title} (private chart of ${profile.name})`,
      tags: [...(template.metadata.tags ?? []), 'private'],
      annotations: {
        ...template.metadata.annotations,
        [CHART_PROFILE_ANNOTATION]: profile.name,
      },
    },
    spec: {
      ...spec,
      owner: profileOwnerRef(profile.name, profile.team),
      parameters: [
        {
          ...spec.parameters[0],
          properties: {
            ...service,
            ...(service.profile && {
              profile: fixedProfile(service.profile, profile.name),
            }),
          },
        },
        ...spec.parameters.slice(1),
      ],
      steps: spec.steps.map((step, i) =>
        i === 0
          ? { ...step, input: { ...step.input, chartProfile: profile.name } }
          : step,
      ),
    },
  };
}

/**
 * The profile parameter of a private chart: its one allowed value, without
 * the profile picker (which would offer the user's teams too).
 */
function fixedProfile(parameter: Record<string, unknown>, name: string) {
  const { 'ui:field': _picker, ...rest } = parameter;
  return {
    ...rest,
    description: `A private chart of ${name}: deployed as ${name}`,
    default: name,
    enum: [name],
  };
}
