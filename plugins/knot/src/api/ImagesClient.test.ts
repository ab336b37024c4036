/**
 * @jest-environment node
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  IMAGE_PUSH_GRANT_HEADER,
  type KnotImagePushGrant,
} from '@knot-platform/plugin-knot-common';
import { ImagesClient } from './ImagesClient';

// The Images page's upload with browser pushes on: the order of its calls
// (grant, the registry through the ingress, then the portal), what each
// carries, one progress bar over all of it, and cancel. The network is a
// recording XMLHttpRequest; the archive is a real tar on disk.

const MiB = 1024 * 1024;
const INGRESS = 'https://knot.example.org';
const BACKEND = 'https://knot.example.org/api/knot';
const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  size?: number;
}

let sent: Sent[];
/** How the fake answers each request: status, Location, body. */
let answer: (request: Sent) => {
  status: number;
  location?: string;
  body?: string;
};
/** Holds every registry PUT until released (for cancel). */
let holdPuts: Promise<void> | undefined;

class RecordingXhr {
  private request: Sent = { method: '', url: '', headers: {} };
  private response = { status: 0, location: undefined as string | undefined };
  responseText = '';
  upload: { onprogress?: (e: { loaded: number; total: number }) => void } = {};
  onload?: () => void;
  onerror?: () => void;
  onabort?: () => void;
  private aborted = false;
  open(method: string, url: string) {
    this.request = { method, url, headers: {} };
  }
  setRequestHeader(name: string, value: string) {
    this.request.headers[name.toLowerCase()] = value;
  }
  get status() {
    return this.response.status;
  }
  getResponseHeader(name: string) {
    return name.toLowerCase() === 'location'
      ? this.response.location ?? null
      : null;
  }
  getAllResponseHeaders() {
    return '';
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  send(body: Blob | null) {
    const request = { ...this.request, size: body?.size };
    sent.push(request);
    const hold =
      request.method === 'PUT' && request.url.includes('/v2/')
        ? holdPuts
        : undefined;
    void (async () => {
      await hold;
      if (this.aborted) return;
      if (body) this.upload.onprogress?.({ loaded: body.size, total: 0 });
      const { status, location, body: text } = answer(request);
      this.response = { status, location };
      this.responseText = text ?? '';
      this.onload?.();
    })();
  }
}

let dir: string;
let layers: Buffer[];
let archive: Blob;

function client(grantCalls: unknown[]) {
  return new ImagesClient({
    fetchApi: {
      fetch: async (_url: any, init: any) => {
        grantCalls.push(JSON.parse(init.body));
        const grant: KnotImagePushGrant = {
          url: INGRESS,
          // The registry has the second layer already.
          missing: [`sha256:${hex(layers[0])}`],
          grant: 'v1.payload.mac',
          expiresAt: Date.now() + 60_000,
        };
        return new Response(JSON.stringify(grant), { status: 200 });
      },
    },
    discoveryApi: { getBaseUrl: async () => BACKEND },
    identityApi: { getCredentials: async () => ({ token: 'user-token' }) },
  } as any);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-images-client-'));
  const blobs = path.join(dir, 'layout', 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  layers = [randomBytes(2 * MiB), randomBytes(1.5 * MiB)];
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  for (const b of [...layers, config]) {
    fs.writeFileSync(path.join(blobs, hex(b)), b);
  }
  fs.writeFileSync(path.join(dir, 'layout', 'index.json'), '{}');
  fs.writeFileSync(path.join(dir, 'layout', 'oci-layout'), '{}');
  execFileSync('tar', [
    '-cf',
    path.join(dir, 'oci.tar'),
    '-C',
    path.join(dir, 'layout'),
    'oci-layout',
    'index.json',
    'blobs',
  ]);
  archive = await fs.openAsBlob(path.join(dir, 'oci.tar'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  sent = [];
  holdPuts = undefined;
  (globalThis as any).XMLHttpRequest = RecordingXhr;
  answer = request => {
    if (request.method === 'POST') {
      return {
        status: 202,
        location: '/v2/alice/env/blobs/uploads/abc?_state=s',
      };
    }
    if (request.url.includes('/v2/')) return { status: 201 };
    return {
      status: 200,
      body: JSON.stringify({
        repository: 'alice/env',
        tag: 'v1',
        digest: 'sha256:top',
        uploadedBlobs: 2,
        skippedBlobs: 2,
      }),
    };
  };
});

afterEach(() => {
  delete (globalThis as any).XMLHttpRequest;
});

describe('ImagesClient.uploadImage with browser pushes', () => {
  it('pushes the missing large layer through the ingress, then sends the portal the rest', async () => {
    const grantCalls: any[] = [];
    const progress: Array<[number, number]> = [];
    const result = await client(grantCalls).uploadImage(
      'alice/env',
      'v1',
      archive,
      (s, t) => progress.push([s, t]),
      { browserPushUrl: INGRESS },
    ).done;

    // The grant was asked for both large layers (the config is small).
    expect(grantCalls).toEqual([
      {
        repository: 'alice/env',
        tag: 'v1',
        blobs: expect.arrayContaining([
          { digest: `sha256:${hex(layers[0])}`, size: 2 * MiB },
          { digest: `sha256:${hex(layers[1])}`, size: 1.5 * MiB },
        ]),
      },
    ]);
    // Only the missing one went to the registry: POST, then PUT of its bytes.
    const [start, put, portal, ...rest] = sent;
    expect(rest).toEqual([]);
    expect(start).toMatchObject({
      method: 'POST',
      url: `${INGRESS}/v2/alice/env/blobs/uploads/`,
    });
    expect(put.method).toBe('PUT');
    expect(put.url).toBe(
      `${INGRESS}/v2/alice/env/blobs/uploads/abc?_state=s&digest=sha256%3A${hex(
        layers[0],
      )}`,
    );
    expect(put.size).toBe(2 * MiB);
    for (const r of [start, put]) {
      expect(r.headers[IMAGE_PUSH_GRANT_HEADER]).toBe('v1.payload.mac');
      expect(r.headers.authorization).toBe('Bearer user-token');
    }
    // The portal got the archive without either large layer, flagged.
    expect(portal.method).toBe('PUT');
    expect(portal.url).toBe(
      `${BACKEND}/images/upload?repository=alice%2Fenv&tag=v1&pushed=browser`,
    );
    expect(portal.size).toBeLessThan(archive.size - 3.5 * MiB);
    // One bar over the pushed layer and the slim archive, ending full.
    const total = 2 * MiB + portal.size!;
    expect(progress.every(([, t]) => t === total)).toBe(true);
    expect(progress.at(-1)).toEqual([total, total]);
    // The browser's push counts as uploaded, not as skipped.
    expect(result).toMatchObject({ uploadedBlobs: 3, skippedBlobs: 1 });
  });

  it('sends a gzipped archive to the portal whole, as before', async () => {
    const gz = new Blob([Buffer.from([0x1f, 0x8b, 8, 0]), randomBytes(4096)]);
    const grantCalls: any[] = [];
    await client(grantCalls).uploadImage('alice/env', 'v1', gz, () => {}, {
      browserPushUrl: INGRESS,
    }).done;
    expect(grantCalls).toEqual([]);
    expect(sent).toEqual([
      expect.objectContaining({
        method: 'PUT',
        url: `${BACKEND}/images/upload?repository=alice%2Fenv&tag=v1`,
        size: gz.size,
      }),
    ]);
  });

  it('sends neither grant nor token where the registry points elsewhere', async () => {
    answer = () => ({
      status: 202,
      location: 'https://elsewhere.example.com/v2/alice/env/blobs/uploads/x',
    });
    await expect(
      client([]).uploadImage('alice/env', 'v1', archive, () => {}, {
        browserPushUrl: INGRESS,
      }).done,
    ).rejects.toThrow('The registry sent the upload elsewhere');
    expect(sent.map(r => r.method)).toEqual(['POST']);
  });

  it('stops everything on cancel: no portal upload follows', async () => {
    let release!: () => void;
    holdPuts = new Promise(resolve => (release = resolve));
    const transfer = client([]).uploadImage(
      'alice/env',
      'v1',
      archive,
      () => {},
      { browserPushUrl: INGRESS },
    );
    while (!sent.some(r => r.method === 'PUT')) {
      await new Promise(r => setTimeout(r, 5));
    }
    transfer.cancel();
    release();
    await expect(transfer.done).rejects.toThrow('Cancelled');
    expect(sent.map(r => r.method)).toEqual(['POST', 'PUT']);
  });
});
