import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  planLayoutPush,
  pushLayoutBlobs,
  type RegistryRequest,
} from './imageLayoutPush';
import { IMAGE_PUSH_GRANT_HEADER } from './images';

const MiB = 1024 * 1024;
const hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
/** An OCI layout folder: two large blobs, one small, index.json. */
let large: Buffer[];
let small: Buffer;

function tarOf(name: string, args: string[], entries: string[]): string {
  const file = path.join(dir, name);
  execFileSync('tar', [
    '-cf',
    file,
    ...args,
    '-C',
    path.join(dir, 'layout'),
    ...entries,
  ]);
  return file;
}

const list = (file: string) =>
  execFileSync('tar', ['-tf', file]).toString().trim().split('\n');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-layout-push-'));
  const blobs = path.join(dir, 'layout', 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  large = [randomBytes(1.5 * MiB), randomBytes(MiB + 1)];
  small = randomBytes(MiB);
  for (const b of [...large, small])
    fs.writeFileSync(path.join(blobs, hex(b)), b);
  fs.writeFileSync(path.join(dir, 'layout', 'index.json'), '{}');
  fs.writeFileSync(path.join(dir, 'layout', 'oci-layout'), '{}');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('planLayoutPush', () => {
  it.each([
    ['ustar', ['--format=ustar']],
    ['pax (as docker save writes)', ['--format=pax']],
    ['GNU', ['--format=gnu']],
  ])(
    'finds the large blobs of a %s layout and leaves them out of the slim archive',
    async (_, args) => {
      const file = tarOf(`layout-${args[0]}.tar`, args, [
        'oci-layout',
        'index.json',
        'blobs',
      ]);
      const blob = await fs.openAsBlob(file);
      const plan = (await planLayoutPush(blob))!;
      expect(plan.blobs.map(b => [b.digest, b.size])).toEqual(
        expect.arrayContaining(large.map(b => [`sha256:${hex(b)}`, b.length])),
      );
      expect(plan.blobs).toHaveLength(2);
      for (const b of plan.blobs) {
        const bytes = Buffer.from(
          await blob.slice(b.offset, b.offset + b.size).arrayBuffer(),
        );
        expect(`sha256:${hex(bytes)}`).toBe(b.digest);
      }
      // The slim archive is a tar of everything else, the small blob included.
      const slim = path.join(dir, `slim-${args[0]}.tar`);
      fs.writeFileSync(slim, Buffer.from(await plan.slim.arrayBuffer()));
      const names = list(slim);
      expect(names).toEqual(
        expect.arrayContaining([
          'oci-layout',
          'index.json',
          `blobs/sha256/${hex(small)}`,
        ]),
      );
      expect(names.some(n => large.some(b => n.endsWith(hex(b))))).toBe(false);
      expect(plan.slim.size).toBeLessThan(2 * MiB);
    },
  );

  it('keeps to the portal what is no OCI layout: gzipped, legacy docker save, not a tar', async () => {
    const gz = path.join(dir, 'layout.tar.gz');
    execFileSync('tar', [
      '-czf',
      gz,
      '-C',
      path.join(dir, 'layout'),
      'index.json',
      'blobs',
    ]);
    expect(await planLayoutPush(await fs.openAsBlob(gz))).toBeUndefined();
    const legacy = tarOf('legacy.tar', [], ['blobs', 'oci-layout']);
    expect(await planLayoutPush(await fs.openAsBlob(legacy))).toBeUndefined();
    expect(await planLayoutPush(new Blob([randomBytes(4096)]))).toBeUndefined();
    const whole = fs.readFileSync(
      tarOf('cut.tar', [], ['index.json', 'blobs']),
    );
    expect(
      await planLayoutPush(new Blob([whole.subarray(0, whole.length >> 1)])),
    ).toBeUndefined();
  });
});

describe('pushLayoutBlobs', () => {
  const grantOf = (missing: string[]) => ({
    url: 'https://knot.example/',
    missing,
    grant: 'v1.x.y',
    expiresAt: Date.now() + 60_000,
  });

  async function planned() {
    const file = tarOf('push.tar', [], ['index.json', 'blobs']);
    const blob = await fs.openAsBlob(file);
    return { blob, plan: (await planLayoutPush(blob))! };
  }

  it('pushes each missing blob as POST + PUT with the grant, the others not at all', async () => {
    const { blob, plan } = await planned();
    const [pushed, skipped] = plan.blobs;
    const seen: RegistryRequest[] = [];
    await pushLayoutBlobs({
      file: blob,
      plan,
      grant: grantOf([pushed.digest]),
      repository: 'alice/env',
      headers: { Authorization: 'Bearer t' },
      transport: async req => {
        seen.push(req);
        if (req.method === 'POST') {
          return {
            status: 202,
            location: '/v2/alice/env/blobs/uploads/u1?_state=s',
            text: '',
          };
        }
        const bytes = Buffer.from(await req.body!.arrayBuffer());
        expect(`sha256:${hex(bytes)}`).toBe(pushed.digest);
        return { status: 201, text: '' };
      },
    });
    expect(seen.map(r => [r.method, r.url])).toEqual([
      ['POST', 'https://knot.example/v2/alice/env/blobs/uploads/'],
      [
        'PUT',
        `https://knot.example/v2/alice/env/blobs/uploads/u1?_state=s&digest=${encodeURIComponent(
          pushed.digest,
        )}`,
      ],
    ]);
    expect(seen[0].headers).toEqual({
      Authorization: 'Bearer t',
      [IMAGE_PUSH_GRANT_HEADER]: 'v1.x.y',
    });
    expect(seen.some(r => r.url.includes(skipped.digest))).toBe(false);
  });

  it('never sends the grant or the token to another origin', async () => {
    const { blob, plan } = await planned();
    const urls: string[] = [];
    await expect(
      pushLayoutBlobs({
        file: blob,
        plan,
        grant: grantOf([plan.blobs[0].digest]),
        repository: 'alice/env',
        headers: {},
        transport: async req => {
          urls.push(req.url);
          return {
            status: 202,
            location: 'https://evil.example/v2/x',
            text: '',
          };
        },
      }),
    ).rejects.toThrow(/elsewhere/);
    expect(urls.every(u => u.startsWith('https://knot.example/'))).toBe(true);
  });

  it('stops every push at the first refusal and says what the registry said', async () => {
    const { blob, plan } = await planned();
    const aborted: boolean[] = [];
    let uploads = 0;
    await expect(
      pushLayoutBlobs({
        file: blob,
        plan,
        grant: grantOf(plan.blobs.map(b => b.digest)),
        repository: 'alice/env',
        headers: {},
        transport: async req => {
          if (req.method === 'POST') {
            uploads += 1;
            return {
              status: 202,
              location: `/v2/alice/env/blobs/uploads/u${uploads}`,
              text: '',
            };
          }
          if (req.url.includes(plan.blobs[0].digest.slice(7))) {
            return {
              status: 400,
              text: JSON.stringify({
                errors: [
                  { code: 'DIGEST_INVALID', message: 'digest did not match' },
                ],
              }),
            };
          }
          await new Promise(r => setTimeout(r, 50));
          aborted.push(req.signal.aborted);
          return { status: 201, text: '' };
        },
      }),
    ).rejects.toThrow(/refused .*digest did not match/);
    expect(aborted).toEqual([true]);
  });
});
