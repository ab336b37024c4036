import {
  KNOT_VALUE_NAMES,
  knotClaimName,
} from '@knot-platform/plugin-knot-common';

/**
 * The Knot-specific claims the provider issues: every platform value of the
 * seeds' table in lower snake case (`knot_private_dir`, ...), the optional
 * URLs (`knot_argo_workflows_url`, ...) when the installation sets them.
 */
export const oidcClaimNames = KNOT_VALUE_NAMES.map(knotClaimName);

/** Claim values for one profile. */
export type KnotClaims = Record<string, string>;
