import type { KnotImageBlob, KnotImagePushGrant } from './images';
import { IMAGE_PUSH_GRANT_HEADER } from './images';

/**
 * Browser pushes of an image archive's large blobs (issue 16): the browser
 * (or bench/images, from Node) reads the tar's headers with `Blob.slice`,
 * never the whole file, pushes the blobs the registry lacks straight to it
 * through the ingress with the portal's grant, then sends the portal the
 * archive without them. The network goes through an injected transport:
 * XMLHttpRequest in the browser (upload progress), node:http in the bench.
 */

const BLOCK = 512;
/** Larger blobs are pushed apart; the portal keeps smaller ones in memory. */
export const BROWSER_PUSH_MIN_BYTES = 1024 * 1024;
const CONTENT_ADDRESSED = /^blobs\/sha256\/([a-f0-9]{64})$/;

/** A large blob of the archive, where its bytes are. */
export interface LayoutBlob extends KnotImageBlob {
  /** Offset of its first byte in the archive. */
  offset: number;
}

/** What to push apart, and what to send the portal. */
export interface LayoutPushPlan {
  blobs: LayoutBlob[];
  /** The archive without the large blobs' entries (slices of the file). */
  slim: Blob;
}

async function bytesOf(file: Blob, start: number, end: number) {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

function text(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(field.subarray(0, end < 0 ? length : end));
}

function octal(bytes: Uint8Array, start: number, length: number): number {
  if (bytes[start] & 0x80) {
    // GNU base-256, for sizes beyond 8 GiB.
    let value = bytes[start] & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + bytes[start + i];
    return value;
  }
  const digits = text(bytes, start, length).trim();
  return digits ? parseInt(digits, 8) : NaN;
}

function checksumOk(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  return sum === octal(header, 148, 8);
}

function paxRecords(data: Uint8Array): Record<string, string> {
  const records: Record<string, string> = {};
  const all = new TextDecoder().decode(data);
  let offset = 0;
  while (offset < all.length) {
    const space = all.indexOf(' ', offset);
    const length = parseInt(all.slice(offset, space), 10);
    if (!(length > 0) || space < 0) break;
    const record = all.slice(space + 1, offset + length - 1);
    const eq = record.indexOf('=');
    records[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return records;
}

/**
 * Reads an uncompressed tar's headers: the plan when it holds an OCI image
 * layout (`index.json`; `docker save` writes one since Docker 25),
 * undefined for anything else (gzipped, legacy `docker save`, not a tar),
 * which then goes to the portal whole as before.
 */
export async function planLayoutPush(
  file: Blob,
): Promise<LayoutPushPlan | undefined> {
  const kept: Blob[] = [];
  const blobs: LayoutBlob[] = [];
  let layout = false;
  let offset = 0;
  // Where the current entry's headers (pax, GNU long name) began.
  let entryStart = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  for (;;) {
    if (offset + BLOCK > file.size) return undefined;
    const header = await bytesOf(file, offset, offset + BLOCK);
    if (header.every(b => b === 0)) break;
    if (!checksumOk(header)) return undefined;
    const size = octal(header, 124, 12);
    if (!Number.isSafeInteger(size)) return undefined;
    const flag = String.fromCharCode(header[156] || 48);
    const data = offset + BLOCK;
    const next = data + Math.ceil(size / BLOCK) * BLOCK;
    if (next > file.size) return undefined;
    if (flag === 'x' || flag === 'L') {
      if (size > BLOCK * 64) return undefined;
      const extension = await bytesOf(file, data, data + size);
      if (flag === 'x') pax = paxRecords(extension);
      else longName = text(extension, 0, size);
      offset = next;
      continue;
    }
    const prefix =
      text(header, 257, 5) === 'ustar' ? text(header, 345, 155) : '';
    const name = (
      pax.path ??
      longName ??
      (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100))
    ).replace(/^(\.\/|\/)+/, '');
    const entrySize = pax.size !== undefined ? Number(pax.size) : size;
    const entryEnd =
      pax.size !== undefined
        ? data + Math.ceil(entrySize / BLOCK) * BLOCK
        : next;
    pax = {};
    longName = undefined;
    if (!Number.isSafeInteger(entrySize) || entryEnd > file.size) {
      return undefined;
    }
    const addressed = CONTENT_ADDRESSED.exec(name);
    const regular = flag === '0' || flag === '7';
    if (name === 'index.json' && regular) layout = true;
    if (addressed && regular && entrySize > BROWSER_PUSH_MIN_BYTES) {
      blobs.push({
        digest: `sha256:${addressed[1]}`,
        size: entrySize,
        offset: data,
      });
    } else {
      kept.push(file.slice(entryStart, entryEnd));
    }
    offset = entryEnd;
    entryStart = offset;
  }
  if (!layout) return undefined;
  // The end-of-archive marker: two zero blocks.
  kept.push(new Blob([new Uint8Array(2 * BLOCK)]));
  return { blobs, slim: new Blob(kept) };
}

/** One request to the registry through the ingress. */
export interface RegistryRequest {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: Blob;
  /** Bytes of `body` sent so far. */
  onProgress?: (sent: number) => void;
  signal: AbortSignal;
}

/** What the transport answers: the status, `Location`, the body's text. */
export interface RegistryResponse {
  status: number;
  location?: string;
  text: string;
}

export type RegistryTransport = (
  request: RegistryRequest,
) => Promise<RegistryResponse>;

/** The registry's own words, for an error the user reads. */
function registryWords(res: RegistryResponse): string {
  try {
    const errors = JSON.parse(res.text).errors as Array<{
      code?: string;
      message?: string;
    }>;
    return errors.map(e => e.message ?? e.code).join('; ');
  } catch {
    return res.text.slice(0, 200) || `HTTP ${res.status}`;
  }
}

/**
 * Pushes the blobs of `plan` that the grant lists, up to `concurrency` at
 * once, each as a POST (an upload session) and one PUT of its bytes (a
 * slice of `file`). The first failure aborts the others and is thrown.
 * `headers` carry the user's Backstage token; the grant is added here.
 */
export async function pushLayoutBlobs(options: {
  file: Blob;
  plan: LayoutPushPlan;
  grant: KnotImagePushGrant;
  repository: string;
  transport: RegistryTransport;
  headers: Record<string, string>;
  concurrency?: number;
  signal?: AbortSignal;
  /** Bytes of blobs sent so far, over all of them. */
  onProgress?: (sent: number) => void;
}): Promise<void> {
  const { file, grant, repository, transport } = options;
  const base = new URL(grant.url.endsWith('/') ? grant.url : `${grant.url}/`);
  const missing = new Set(grant.missing);
  const queue = options.plan.blobs.filter(b => missing.has(b.digest));
  const failed = new AbortController();
  const abort = () => failed.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', abort);
  if (options.signal?.aborted) abort();
  const headers = {
    ...options.headers,
    [IMAGE_PUSH_GRANT_HEADER]: grant.grant,
  };
  const sent = new Map<string, number>();
  const progress = () =>
    options.onProgress?.([...sent.values()].reduce((a, b) => a + b, 0));

  const pushOne = async (blob: LayoutBlob) => {
    const started = await transport({
      method: 'POST',
      url: new URL(`v2/${repository}/blobs/uploads/`, base).href,
      headers,
      signal: failed.signal,
    });
    if (started.status !== 202 || !started.location) {
      throw new Error(
        `The registry did not start the upload of ${
          blob.digest
        }: ${registryWords(started)}`,
      );
    }
    const target = new URL(started.location, base);
    // The grant and the user's token go to the portal's ingress only.
    if (target.origin !== base.origin) {
      throw new Error(
        `The registry sent the upload elsewhere (${target.origin})`,
      );
    }
    target.searchParams.set('digest', blob.digest);
    const stored = await transport({
      method: 'PUT',
      url: target.href,
      headers: { ...headers, 'Content-Type': 'application/octet-stream' },
      body: file.slice(blob.offset, blob.offset + blob.size),
      onProgress: n => {
        sent.set(blob.digest, n);
        progress();
      },
      signal: failed.signal,
    });
    if (stored.status !== 201) {
      throw new Error(
        `The registry refused ${blob.digest}: ${registryWords(stored)}`,
      );
    }
    sent.set(blob.digest, blob.size);
    progress();
  };

  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let blob = queue.shift(); blob && !failure; blob = queue.shift()) {
      try {
        await pushOne(blob);
      } catch (error) {
        // The first failure, not the aborts it causes in the others.
        failure ??= { error };
        failed.abort(error);
      }
    }
  };
  try {
    await Promise.all(
      Array.from({ length: options.concurrency ?? 4 }, () => worker()),
    );
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  if (failure) throw failure.error;
}
