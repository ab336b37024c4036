import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { KnotService } from '@knot-platform/plugin-knot-node';

/**
 * `knot:helm:install`: deploys an offered chart into the acting profile's
 * namespace. The knot plugin does it (it owns charts and helm), on behalf of
 * the task's initiator, so the install passes the same checks as one from
 * the portal; helm's progress lines stream into the task log.
 */
export function createHelmInstallAction(
  knot: Pick<KnotService, 'installService'>,
) {
  return createTemplateAction({
    id: 'knot:helm:install',
    description:
      "Deploys a Knot chart into the acting profile's namespace with helm",
    schema: {
      input: {
        chart: z => z.string().describe('Chart name as offered by Knot'),
        version: z =>
          z.string().optional().describe('Chart version; newest when omitted'),
        name: z =>
          z.string().describe('Release name; a suffix is added on clash'),
        profile: z =>
          z
            .string()
            .optional()
            .describe('User or team to deploy as; the initiator when empty'),
        values: z =>
          z
            .record(z.string(), z.unknown())
            .optional()
            .describe("The chart's values"),
        chartProfile: z =>
          z
            .string()
            .optional()
            .describe("Set for a profile's own chart: the owning profile"),
      },
      output: {
        release: z => z.string(),
        namespace: z => z.string(),
        url: z => z.string(),
        entityRef: z => z.string(),
      },
    },
    async handler(ctx) {
      if (!ctx.user?.ref) {
        throw new InputError(
          'knot:helm:install needs a signed-in user to act for',
        );
      }
      const result = await knot.installService(
        {
          profile: ctx.input.profile,
          chart: ctx.input.chart,
          version: ctx.input.version,
          name: ctx.input.name,
          values: ctx.input.values as Record<string, unknown> | undefined,
          chartProfile: ctx.input.chartProfile,
        },
        {
          credentials: await ctx.getInitiatorCredentials(),
          onLog: line => ctx.logger.info(line),
        },
      );
      ctx.logger.info(`Service ${result.release} is at ${result.url}`);
      ctx.output('release', result.release);
      ctx.output('namespace', result.namespace);
      ctx.output('url', result.url);
      ctx.output('entityRef', result.entityRef);
    },
  });
}
