import type {
  KnotImageRepository,
  KnotImageTag,
} from '@knot-platform/plugin-knot-common';
import type { ImageAreas } from './imageAreas';
import type { RegistryClient } from './RegistryClient';

/** Requests to the registry at once while describing a page. */
const PARALLEL = 8;

async function inParallel<T, R>(
  items: T[],
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

/**
 * One page of the repositories a profile sees, filtered by a substring of
 * their path, each with its tags described from their manifests and
 * configs. Repositories without tags (all deleted) are left out.
 */
export async function listImages(
  registry: RegistryClient,
  areas: ImageAreas,
  pullHost: string,
  page: { filter: string; offset: number; limit: number },
): Promise<{ total: number; items: KnotImageRepository[] }> {
  const visible = (await registry.catalog())
    .filter(name => areas.areaOf(name) && name.includes(page.filter))
    .sort();
  const withTags = await inParallel(visible, async name => ({
    name,
    tags: (await registry.tags(name)).sort(),
  }));
  const listed = withTags.filter(r => r.tags.length > 0);
  const slice = listed.slice(page.offset, page.offset + page.limit);
  const items = await inParallel(slice, async ({ name, tags }) => ({
    repository: name,
    area: areas.areaOf(name)!,
    tags: (
      await inParallel(tags, tag => describeTag(registry, pullHost, name, tag))
    ).filter((t): t is KnotImageTag => t !== undefined),
  }));
  return { total: listed.length, items };
}

async function describeTag(
  registry: RegistryClient,
  pullHost: string,
  repository: string,
  tag: string,
): Promise<KnotImageTag | undefined> {
  const manifest = await registry.manifest(repository, tag);
  if (!manifest) return undefined;
  const described: KnotImageTag = {
    tag,
    digest: manifest.digest,
    platforms: [],
    reference: `${pullHost}/${repository}:${tag}`,
  };
  const parsed = JSON.parse(manifest.body.toString('utf8'));
  if (Array.isArray(parsed.manifests)) {
    described.platforms = parsed.manifests
      .map((m: any) => m.platform)
      .filter((p: any) => p?.os && p.os !== 'unknown')
      .map((p: any) => platform(p));
    return described;
  }
  described.size = imageSize(parsed);
  if (parsed.config?.digest) {
    const config = JSON.parse(
      (await registry.blob(repository, parsed.config.digest)).toString('utf8'),
    );
    if (config.os) described.platforms = [platform(config)];
    if (config.created) described.created = config.created;
  }
  return described;
}

function platform(p: { os?: string; architecture?: string; variant?: string }) {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function imageSize(manifest: any): number {
  return [manifest.config, ...(manifest.layers ?? [])].reduce(
    (sum: number, d: any) => sum + (Number(d?.size) || 0),
    0,
  );
}
