/**
 * The platform values Knot hands to everything a profile runs, under three
 * spellings (seeds: "Service templates"): Helm values `knot.<camelCase>`,
 * environment variables `KNOT_<UPPER_SNAKE>` and OIDC claims
 * `knot_<lower_snake>`.
 */
import { PRIVATE_MOUNT_PATH, SHARED_MOUNT_PATH } from './profiles';

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

/**
 * Stands for the profile's name in a configured URL: a private registry or
 * chart repository is each profile's own (`harbor.example.org/{profile}`).
 */
export const PROFILE_URL_PLACEHOLDER = '{profile}';

/** The optional platform URLs of an installation. */
export type KnotOptionalUrls = Partial<
  Record<(typeof KNOT_OPTIONAL_URL_NAMES)[number], string>
>;

/**
 * The platform values of one profile, the one source of the `knot.*` Helm
 * values, the `KNOT_*` variables the webhook injects and the `knot_*` claims.
 */
export function profileKnotValues(options: {
  profile: string;
  namespace: string;
  /** The portal's URL. */
  ingressUrl: string;
  /** Where the data domains are mounted; the standard paths by default. */
  privateDir?: string;
  sharedDir?: string;
  urls?: KnotOptionalUrls;
}): KnotValues {
  return {
    username: options.profile,
    namespace: options.namespace,
    ingressUrl: options.ingressUrl,
    privateDir: options.privateDir ?? PRIVATE_MOUNT_PATH,
    sharedDir: options.sharedDir ?? SHARED_MOUNT_PATH,
    ...profileUrls(options.urls ?? {}, options.profile),
  };
}

/** The configured URLs with the profile's name in place of `{profile}`. */
function profileUrls(
  urls: KnotOptionalUrls,
  profile: string,
): KnotOptionalUrls {
  const resolved: KnotOptionalUrls = {};
  for (const [name, url] of Object.entries(urls) as Array<
    [keyof KnotOptionalUrls, string | undefined]
  >) {
    if (url !== undefined) {
      resolved[name] = url.split(PROFILE_URL_PLACEHOLDER).join(profile);
    }
  }
  return resolved;
}

/** The `knot_*` OIDC claims of a profile's values. */
export function knotClaims(values: KnotValues): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) {
      claims[knotClaimName(name as KnotValueName)] = value;
    }
  }
  return claims;
}

/** The `KNOT_*` environment variables of a profile's values. */
export function knotEnvironment(
  values: KnotValues,
): Array<{ name: string; value: string }> {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ({
      name: knotEnvName(name as KnotValueName),
      value: value!,
    }));
}
