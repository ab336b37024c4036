/** The label every object Knot creates carries, so it can be listed and cleaned. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** The value of {@link MANAGED_BY_LABEL} on Knot's objects. */
export const MANAGED_BY_KNOT = 'knot';

/** The default prefix of user and team namespaces (`knot-<name>`). */
export const DEFAULT_NAMESPACE_PREFIX = 'knot-';
