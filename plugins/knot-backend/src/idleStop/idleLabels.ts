/**
 * What idle stop writes on a release's Deployments and StatefulSets: its
 * own names, distinct from deactivation's `knot/suspended`, so that neither
 * undoes the other (a profile reactivated gives back the replicas it found,
 * zero for an idle-stopped workload, which keeps its idle replicas).
 */

/** Label of a workload idle stop scaled to zero (listed by selector). */
export const IDLE_STOPPED_LABEL = 'knot/idle-stopped';
/** When it was stopped (ISO 8601). */
export const IDLE_STOPPED_AT_ANNOTATION = 'knot/idle-stopped-at';
/** How long it had been idle then, in ms. */
export const IDLE_STOPPED_AFTER_ANNOTATION = 'knot/idle-stopped-after-ms';
/** The replicas it had, given back by Start. */
export const IDLE_REPLICAS_ANNOTATION = 'knot/idle-replicas';
/** The last request forward-auth let through to it (ISO 8601). */
export const LAST_ACCESS_ANNOTATION = 'knot/last-access';
/** `true`: the owner asked to keep it running. */
export const KEEP_RUNNING_ANNOTATION = 'knot/keep-running';
/** A chart's own idle time (Chart.yaml annotation): `2h`, `never`… */
export const CHART_IDLE_AFTER_ANNOTATION = 'knot/idle-after';
/** helm's chart label on chart objects: `<chart>-<version>`. */
export const HELM_CHART_LABEL = 'helm.sh/chart';
