import os from 'node:os';
import type { Config } from '@backstage/config';

/** Where the registry is and how Knot signs in to it. */
export interface RegistryConfig {
  /** Base URL of the distribution API, without a trailing slash. */
  url: string;
  /** Host (and port) users pull from. */
  pullHost: string;
  credentials?: { username: string; password: string };
  /**
   * Where the browser reaches the registry's `/v2/` through the ingress
   * (no trailing slash): set, it pushes an upload's large blobs itself.
   */
  browserPushUrl?: string;
  /**
   * The secret in the ingress's auth-url (`?key=`), set with
   * `browserPushUrl`: push-auth answers Knot's registry credentials, so it
   * answers only the ingress (anyone may send the headers an ingress sets).
   */
  pushAuthKey?: string;
}

/** Fewest characters of `pushAuthKey`. */
export const PUSH_AUTH_KEY_MIN_LENGTH = 32;

/** `knot.images`. */
export interface ImagesConfig {
  /** Unset: no registry, the image API answers 503. */
  registry?: RegistryConfig;
  areas: {
    shared: string;
    /** With `{profile}` in it. */
    profile: string;
    sharedUploads: 'admins' | 'everyone';
  };
  spoolDir: string;
  /** The largest archive an upload may send, and a `.tar.gz` unpack to. */
  maxUploadBytes: number;
  /** Blobs of one upload pushed to the registry at once. */
  pushConcurrency: number;
}

const AREA_PATH = /^[a-z0-9{}._-]+(\/[a-z0-9{}._-]+)*$/;

export function readImagesConfig(config: Config): ImagesConfig {
  const images = config.getOptionalConfig('knot.images');
  const registry = images?.getOptionalConfig('registry');
  const shared = images?.getOptionalString('areas.shared') ?? 'shared';
  const profile = images?.getOptionalString('areas.profile') ?? '{profile}';
  for (const [key, value] of [
    ['shared', shared],
    ['profile', profile],
  ]) {
    if (!AREA_PATH.test(value)) {
      throw new Error(
        `knot.images.areas.${key} must be a lowercase registry path, not '${value}'`,
      );
    }
  }
  if (!profile.includes('{profile}')) {
    throw new Error(`knot.images.areas.profile must contain {profile}`);
  }
  if (profile.startsWith(`${shared}/`)) {
    throw new Error(
      `knot.images.areas.profile must not lie in the shared area (${shared}/): every profile's images would be shared, not '${profile}'`,
    );
  }
  const sharedUploads =
    images?.getOptionalString('areas.sharedUploads') ?? 'admins';
  if (sharedUploads !== 'admins' && sharedUploads !== 'everyone') {
    throw new Error(
      `knot.images.areas.sharedUploads must be admins or everyone, not '${sharedUploads}'`,
    );
  }
  return {
    registry: registry && readRegistry(registry),
    areas: { shared, profile, sharedUploads },
    spoolDir: images?.getOptionalString('spoolDir') ?? os.tmpdir(),
    maxUploadBytes:
      images?.getOptionalNumber('maxUploadBytes') ?? 20 * 1024 ** 3,
    pushConcurrency: readPushConcurrency(images),
  };
}

function readPushConcurrency(images: Config | undefined): number {
  const value = images?.getOptionalNumber('pushConcurrency') ?? 4;
  if (!Number.isInteger(value) || value < 1 || value > 16) {
    throw new Error(
      `knot.images.pushConcurrency must be a whole number from 1 to 16, not ${value}`,
    );
  }
  return value;
}

function readRegistry(registry: Config): RegistryConfig {
  const url = new URL(registry.getString('url'));
  const username = registry.getOptionalString('username');
  const password = registry.getOptionalString('password');
  const browserPushUrl = registry.getOptionalString('browserPushUrl');
  if (browserPushUrl !== undefined) {
    const parsed = URL.canParse(browserPushUrl)
      ? new URL(browserPushUrl)
      : undefined;
    if (
      !parsed ||
      !['http:', 'https:'].includes(parsed.protocol) ||
      parsed.search ||
      parsed.hash
    ) {
      throw new Error(
        `knot.images.registry.browserPushUrl must be an http(s) URL without query, not '${browserPushUrl}'`,
      );
    }
  }
  const pushAuthKey = registry.getOptionalString('pushAuthKey');
  if (
    browserPushUrl !== undefined &&
    (pushAuthKey?.length ?? 0) < PUSH_AUTH_KEY_MIN_LENGTH
  ) {
    throw new Error(
      `knot.images.registry.pushAuthKey must be set, at least ${PUSH_AUTH_KEY_MIN_LENGTH} characters, with browserPushUrl: the ingress's auth-url carries it (…/api/knot/images/push-auth?key=<pushAuthKey>)`,
    );
  }
  return {
    url: url.href.replace(/\/+$/, ''),
    browserPushUrl: browserPushUrl?.replace(/\/+$/, ''),
    pushAuthKey,
    pullHost: registry.getOptionalString('pullHost') ?? url.host,
    credentials:
      username !== undefined
        ? { username, password: password ?? '' }
        : undefined,
  };
}
