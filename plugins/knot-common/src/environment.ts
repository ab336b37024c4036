/**
 * The platform values Knot hands to everything a profile runs, under three
 * spellings (seeds: "Service templates"): Helm values `knot.<camelCase>`,
 * environment variables `KNOT_<UPPER_SNAKE>` and OIDC claims
 * `knot_<lower_snake>`.
 */
/** The platform URLs an admin may configure; set only when configured. */
export const KNOT_OPTIONAL_URL_NAMES = [
  'argoWorkflowsUrl',
  'privateRegistryUrl',
  'publicRegistryUrl',
  'privateRepoUrl',
  'publicRepoUrl',
] as const;

export const KNOT_VALUE_NAMES = [
  'username',
  'namespace',
  'ingressUrl',
  'privateDir',
  'sharedDir',
  ...KNOT_OPTIONAL_URL_NAMES,
] as const;

export type KnotValueName = (typeof KNOT_VALUE_NAMES)[number];

/** The platform values of one profile; optional ones only when configured. */
export type KnotValues = Pick<
  Record<KnotValueName, string>,
  'username' | 'namespace' | 'ingressUrl' | 'privateDir' | 'sharedDir'
> &
  Partial<Record<KnotValueName, string>>;

function snake(name: string): string {
  return name.replace(/([A-Z])/g, '_$1');
}

/** `privateDir` → `KNOT_PRIVATE_DIR`. */
export function knotEnvName(name: KnotValueName): string {
  return `KNOT_${snake(name).toUpperCase()}`;
}

/** `privateDir` → `knot_private_dir`. */
export function knotClaimName(name: KnotValueName): string {
  return `knot_${snake(name).toLowerCase()}`;
}
