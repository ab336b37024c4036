/**
 * The Knot-specific claims the provider issues (lower snake case, as the
 * seeds' naming table has them).
 */
export const oidcClaimNames = [
  'knot_username',
  'knot_namespace',
  'knot_ingress_url',
  'knot_private_dir',
  'knot_shared_dir',
] as const;

/** Claim values for one profile. */
export type KnotClaims = Record<(typeof oidcClaimNames)[number], string>;
