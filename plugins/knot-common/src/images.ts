/**
 * The Knot image API (`/api/knot/images`) as both ends see it: repositories
 * of the container registry in the shared area and in the acting profile's
 * own area, uploads of exported images (`docker save`, OCI layout) and
 * deletion by admins. Registry credentials never travel to the browser.
 */

/** The area an image repository lives in. */
export type KnotImageArea = 'shared' | 'profile';

/** One tag of a repository, as the registry describes it. */
export interface KnotImageTag {
  tag: string;
  /** The manifest's digest (`sha256:...`). */
  digest: string;
  /** Bytes of the config and layers as stored (compressed where they are). */
  size?: number;
  /** `linux/amd64`, or several for a multi-platform image. */
  platforms: string[];
  /** When the image was built (its config's `created`), ISO 8601. */
  created?: string;
  /** What to pull: `<registry>/<repository>:<tag>`. */
  reference: string;
}

export interface KnotImageRepository {
  /** The full path in the registry, area included (`shared/tools`). */
  repository: string;
  area: KnotImageArea;
  tags: KnotImageTag[];
}

/** `GET /images`: one page of the repositories the acting profile sees. */
export interface KnotImageList {
  /** Host (and port) images are pulled from. */
  registry: string;
  /** Where the acting profile may upload: the area paths, `shared` only when allowed. */
  uploadAreas: { profile: string; shared?: string };
  /** Whether the signed-in user may delete (Knot admins). */
  canDelete: boolean;
  /**
   * Set when the browser may push an upload's large blobs to the registry
   * itself (`knot.images.registry.browserPushUrl`): the base URL of the
   * registry's `/v2/` as the browser reaches it through the ingress.
   */
  browserPushUrl?: string;
  /** Repositories matching the filter, before paging. */
  total: number;
  items: KnotImageRepository[];
}

/** A blob of an upload, as its archive declares it. */
export interface KnotImageBlob {
  /** `sha256:<hex>`. */
  digest: string;
  size: number;
}

/** `POST /images/pushes`: the blobs the browser means to push itself. */
export interface KnotImagePushRequest {
  repository: string;
  tag: string;
  blobs: KnotImageBlob[];
}

/**
 * The answer: which blobs the registry lacks, and the grant that lets the
 * browser push exactly those into the repository (header
 * {@link IMAGE_PUSH_GRANT_HEADER}, beside its Backstage token), until
 * `expiresAt`. Then the archive without them goes to
 * `PUT /images/upload?...&pushed=browser`.
 */
export interface KnotImagePushGrant {
  /** The registry's `/v2/` base URL, as the browser reaches it. */
  url: string;
  /** Digests of the blobs to push; the others are in the registry. */
  missing: string[];
  grant: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** The header carrying a push grant on the browser's registry requests. */
export const IMAGE_PUSH_GRANT_HEADER = 'x-knot-push-grant';

/** `PUT /images/upload?repository=&tag=`: what was pushed. */
export interface KnotImageUploadResult {
  repository: string;
  tag: string;
  digest: string;
  size: number;
  reference: string;
  /** Blobs sent to the registry, and those it already had. */
  uploadedBlobs: number;
  skippedBlobs: number;
}

// The registry's own grammar (distribution's reference package), lowercase.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Why a repository path is not valid, or undefined. */
export function imageRepositoryProblem(repository: string): string | undefined {
  if (!repository) return 'A repository name is required';
  if (repository.length > 255) return 'The repository name is too long';
  const bad = repository
    .split('/')
    .find(component => !PATH_COMPONENT.test(component));
  if (bad !== undefined) {
    return `'${bad}' is not a valid part of a repository name: use lowercase letters, digits and single separators (. _ -), parts separated by /`;
  }
  return undefined;
}

/** Why a tag is not valid, or undefined. */
export function imageTagProblem(tag: string): string | undefined {
  if (!tag) return 'A tag is required';
  if (!TAG.test(tag)) {
    return `'${tag}' is not a valid tag: up to 128 letters, digits, '.', '_' or '-', not starting with '.' or '-'`;
  }
  return undefined;
}
