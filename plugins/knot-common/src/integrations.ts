/**
 * Services installed next to Knot that sign users in with Knot's OIDC
 * provider (seeds: "switch to any of the included integrations").
 */
export const KNOT_INTEGRATION_NAMES = [
  'jupyterhub',
  'argoWorkflows',
  'harbor',
  'grafana',
] as const;

export type KnotIntegrationName = (typeof KNOT_INTEGRATION_NAMES)[number];

/** What each integration is, in the seeds' words. */
export const KNOT_INTEGRATION_DESCRIPTIONS: Record<
  KnotIntegrationName,
  { title: string; purpose: string }
> = {
  jupyterhub: { title: 'JupyterHub', purpose: 'Notebook service' },
  argoWorkflows: { title: 'Argo Workflows', purpose: 'Workflow service' },
  harbor: {
    title: 'Harbor',
    purpose: 'Private container image and service template registry',
  },
  grafana: { title: 'Grafana', purpose: 'Metrics service' },
};

/** One enabled integration, as `GET /api/knot/integrations` lists it. */
export interface KnotIntegration {
  name: KnotIntegrationName;
  title: string;
  purpose: string;
  /** Where users open it (in a new tab). */
  url: string;
}

/** The answer of `GET /api/knot/integrations`: the enabled ones, in order. */
export interface KnotIntegrationList {
  items: KnotIntegration[];
}
