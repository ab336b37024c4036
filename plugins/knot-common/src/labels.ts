/** The label every object Knot creates carries, so it can be listed and cleaned. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** The value of {@link MANAGED_BY_LABEL} on Knot's objects. */
export const MANAGED_BY_KNOT = 'knot';

/** Label on a profile's namespace (and its PVs) naming the owning user or team. */
export const OWNER_LABEL = 'knot/owner';

/**
 * Label that marks a namespace as Knot-managed; the admission webhooks select
 * namespaces with `knot: enabled` (as the original Knot did).
 */
export const KNOT_NAMESPACE_LABEL = 'knot';
export const KNOT_NAMESPACE_ENABLED = 'enabled';

/** Opt-out labels on user objects (seeds: "Service templates"). */
export const NO_DATASETS_LABEL = 'knot-no-datasets';
export const NO_AUTH_LABEL = 'knot-no-auth';
/** A chart annotated or labelled with this is not offered as a template. */
export const HIDDEN_LABEL = 'knot-hidden';

/**
 * Label on a workload (Deployment, StatefulSet) that provisioning scaled to
 * zero because its profile was deactivated; the replicas it had are kept in
 * the annotation below and given back on reactivation.
 */
export const SUSPENDED_LABEL = 'knot/suspended';
export const SUSPENDED_REPLICAS_ANNOTATION = 'knot/suspended-replicas';
