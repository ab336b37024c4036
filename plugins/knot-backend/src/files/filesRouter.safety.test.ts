import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import {
  filePath,
  snapshot,
  startFilesBackend,
  type FilesBackend,
} from './__testUtils__/filesBackend';

const api = (p: string) => `/api/knot/files${p}`;

/** Paths that try to leave alice's folder, in many spellings. */
function traversalCorpus(): string[] {
  const targets = [
    '..',
    '../bob',
    '../bob/secret.bin',
    '../../outside/secret.bin',
    '../../../../../../etc/passwd',
    'docs/../../bob/secret.bin',
    './../bob',
  ];
  const spellings = (p: string) => [
    p,
    p.replace(/\.\./g, '%2e%2e'),
    p.replace(/\.\./g, '%2E%2E'),
    p.replace(/\//g, '%2f'),
    p.replace(/\.\./g, '%252e%252e').replace(/\//g, '%252f'),
    p.replace(/\.\./g, '%25252e%25252e'),
    p.replace(/\//g, '\\'),
    p.replace(/\//g, '%5c'),
    p.replace(/\.\./g, '．．'), // fullwidth full stops
    p.replace(/\.\./g, '%ef%bc%8e%ef%bc%8e'),
    p.replace(/\//g, '／'), // fullwidth solidus
    p.replace(/\.\./g, '.%2e'),
    p.replace(/\.\./g, '%2e.'),
  ];
  const corpus = new Set<string>();
  for (const t of targets) for (const s of spellings(t)) corpus.add(s);
  [
    '/',
    '/etc/passwd',
    '//etc/passwd',
    '/private/bob/secret.bin',
    'a\u0000b',
    'secret.bin\u0000.txt',
    '%00',
    '..%00',
    'a/%00/b',
    '%c0%ae%c0%ae/bob', // overlong UTF-8 dots
    '%e0%80%ae%e0%80%ae/bob',
    '..;/bob',
    '.',
    './',
    'a//b',
    '...',
    '\u2025/bob', // two dot leader folds to '..'
    '..\u200b/bob',
    'to-bob',
    'to-bob/secret.bin',
    'to-bob/docs',
    'to-bob/docs/plan.txt',
    'to-bob-file',
    'to-outside',
    'to-outside/secret.bin',
    'to-root/etc/passwd',
    'to-parent/bob/secret.bin',
    'nested/deeper/to-bob/secret.bin',
    'to-bob-relative/secret.bin',
    'to-shared-from-private',
    'loop',
    'dangling',
    '.knot-upload-x',
  ].forEach(p => corpus.add(p));
  return [...corpus];
}

describe('file API safety', () => {
  let b: FilesBackend;
  let alice: string;
  let aliceDir: string;
  beforeEach(async () => {
    b = await startFilesBackend();
    alice = b.auth('alice');
    aliceDir = path.join(b.privateDir, 'alice');
    fs.mkdirSync(path.join(aliceDir, 'nested', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(aliceDir, 'mine.txt'), 'alice data');
    const link = (target: string, at: string) =>
      fs.symlinkSync(target, path.join(aliceDir, at));
    link(path.join(b.privateDir, 'bob'), 'to-bob');
    link(path.join(b.privateDir, 'bob', 'secret.bin'), 'to-bob-file');
    link('../bob', 'to-bob-relative');
    link(b.outsideDir, 'to-outside');
    link('/', 'to-root');
    link('..', 'to-parent');
    link(path.join(b.privateDir, 'bob'), 'nested/deeper/to-bob');
    link(b.sharedDir, 'to-shared-from-private');
    link('loop', 'loop');
    link('nowhere', 'dangling');
  });
  afterEach(() => b.cleanup());

  it('has a traversal corpus of at least 200 requests', () => {
    expect(traversalCorpus().length * 10).toBeGreaterThanOrEqual(200);
  });

  it('lets no corpus path escape through any route', async () => {
    // Everything but alice's own folder, which benign names may change.
    const outsideAlice = () =>
      Object.fromEntries(
        Object.entries(snapshot(path.dirname(b.privateDir))).filter(
          ([p]) => !p.startsWith(`${aliceDir}/`),
        ),
      );
    const before = outsideAlice();
    const leaks: string[] = [];
    const refusedCodes = [400, 403, 404, 409];
    let requests = 0;
    // Literal names that are no escape: they may be created inside alice's
    // folder (still checked: nothing outside it changes, nothing leaks).
    // The test client normalises '.', './' and 'a//b' in upload file names.
    const benign = (name: string) =>
      /^(upload as|put as|mkdir|rename to) (\.\.\.|\.\.;\/bob|\.\.\u200b\/bob)$/u.test(
        name,
      ) || /^upload as (\.|\.\/|a\/\/b)$/.test(name);
    const check = async (name: string, res: request.Response) => {
      requests++;
      const body = Buffer.isBuffer(res.body)
        ? res.body
        : Buffer.from(res.text ?? JSON.stringify(res.body ?? ''));
      const leaked =
        body.includes(b.secrets.bob.subarray(0, 64)) ||
        body.includes(b.secrets.outside.subarray(0, 64)) ||
        body.includes('root:') ||
        body.includes('bob plan') ||
        body.includes(b.privateDir);
      if (leaked || !(refusedCodes.includes(res.status) || benign(name))) {
        leaks.push(`${name}: ${res.status} ${body.toString().slice(0, 120)}`);
      }
    };
    const binary = (r: request.Test) =>
      r.buffer(true).parse((stream, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => cb(null, Buffer.concat(chunks)));
      });

    const token = alice;
    const as = (r: request.Test) => r.set('Authorization', token);
    for (const p of traversalCorpus()) {
      await check(
        `list ${p}`,
        await as(
          request(b.server).get(api('/private/list')).query({ path: p }),
        ),
      );
      await check(
        `download ${p}`,
        await binary(
          as(
            request(b.server).get(api('/private/download')).query({ path: p }),
          ),
        ),
      );
      await check(
        `zip ${p}`,
        await binary(
          as(request(b.server).get(api('/private/zip')).query({ path: p })),
        ),
      );
      await check(
        `upload into ${p}`,
        await as(
          request(b.server)
            .post(api('/private/upload'))
            .query({ path: p })
            .attach('file', Buffer.from('EVIL'), 'evil.txt'),
        ),
      );
      await check(
        `upload as ${p}`,
        await as(
          request(b.server)
            .post(api('/private/upload'))
            .attach('file', Buffer.from('EVIL'), filePath(`${p}/evil.txt`)),
        ),
      );
      await check(
        `put as ${p}`,
        await as(
          request(b.server)
            .put(api('/private/file'))
            .query({ path: `${p}/evil.txt` })
            .send(Buffer.from('EVIL')),
        ),
      );
      await check(
        `mkdir ${p}`,
        await as(
          request(b.server)
            .post(api('/private/mkdir'))
            .send({ path: `${p}/evil` }),
        ),
      );
      await check(
        `rename to ${p}`,
        await as(
          request(b.server)
            .post(api('/private/rename'))
            .send({ from: 'mine.txt', to: `${p}/stolen.txt` }),
        ),
      );
      await check(
        `rename from ${p}`,
        await as(
          request(b.server)
            .post(api('/private/rename'))
            .send({ from: `${p}/secret.bin`, to: 'got.bin' }),
        ),
      );
      await check(
        `delete ${p}/secret.bin`,
        await as(
          request(b.server)
            .delete(api('/private'))
            .query({ path: `${p}/secret.bin` }),
        ),
      );
    }
    // Raw query strings: arrays, objects and double encoding as sent on the wire.
    for (const raw of [
      'path[]=..',
      'path[0]=../bob',
      'path[a]=..',
      'path=..&path=..',
      'path=%2e%2e%2fbob',
      'path=%252e%252e%252fbob',
      'path=..%2f..%2foutside',
      'path=%c0%ae%c0%ae%2fbob',
    ]) {
      await check(
        `raw list ${raw}`,
        await request(b.server)
          .get(`${api('/private/list')}?${raw}`)
          .set('Authorization', alice),
      );
      await check(
        `raw download ${raw}`,
        await request(b.server)
          .get(`${api('/private/download')}?${raw}`)
          .set('Authorization', alice),
      );
    }

    expect(requests).toBeGreaterThanOrEqual(200);
    expect(leaks).toEqual([]);
    expect(outsideAlice()).toEqual(before);
    const inAlice = Object.values(snapshot(aliceDir)).map(c =>
      Buffer.from(c, 'base64'),
    );
    expect(inAlice.some(c => c.includes(b.secrets.bob.subarray(0, 64)))).toBe(
      false,
    );
    expect(
      inAlice.some(c => c.includes(b.secrets.outside.subarray(0, 64))),
    ).toBe(false);
  }, 120_000);

  it("keeps alice out of bob's folder through every route", async () => {
    const bob = b.auth('bob');
    // Bob sees his own files; alice's listing is only hers.
    const bobs = await request(b.server)
      .get(api('/private/list'))
      .set('Authorization', bob);
    expect(bobs.body.entries.map((e: any) => e.name)).toEqual([
      'docs',
      'secret.bin',
    ]);
    const alices = await request(b.server)
      .get(api('/private/list'))
      .set('Authorization', alice);
    const names = alices.body.entries.map((e: any) => e.name);
    expect(names).not.toContain('secret.bin');
    // Links out of the domain are shown as bare links, without size or date.
    expect(
      alices.body.entries.find((e: any) => e.name === 'to-bob'),
    ).toMatchObject({
      type: 'symlink',
      size: 0,
    });

    // Asking to act as bob is refused.
    const asBob = await request(b.server)
      .get(api('/private/list'))
      .set('Authorization', alice)
      .set('x-knot-profile', 'bob');
    expect(asBob.status).toBe(403);

    // The zip of alice's whole folder holds nothing of bob's.
    const zip = await request(b.server)
      .get(api('/private/zip'))
      .set('Authorization', alice)
      .buffer(true)
      .parse((stream, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(zip.status).toBe(200);
    const zipFile = path.join(b.outsideDir, 'alice.zip');
    fs.writeFileSync(zipFile, zip.body);
    const entries = execFileSync('unzip', ['-Z1', zipFile], {
      encoding: 'utf8',
    });
    fs.rmSync(zipFile);
    // Links are left out of zips, so nothing of bob's can be in it.
    expect(entries.split('\n').filter(Boolean).sort()).toEqual([
      'private/',
      'private/mine.txt',
      'private/nested/',
      'private/nested/deeper/',
    ]);
    expect((zip.body as Buffer).includes(b.secrets.bob.subarray(0, 64))).toBe(
      false,
    );

    // Deleting a link removes the link, never what it points to.
    const del = await request(b.server)
      .delete(api('/private'))
      .query({ path: 'to-bob' })
      .set('Authorization', alice);
    expect(del.status).toBe(204);
    expect(
      fs.readFileSync(path.join(b.privateDir, 'bob', 'secret.bin')),
    ).toEqual(b.secrets.bob);
  });

  /**
   * Sends 4 MiB of a 100 MiB upload, waits for the backend's temp file,
   * drops the connection, and returns what alice's folder then holds.
   */
  async function dropMidUpload(
    method: string,
    route: string,
    headers: Record<string, string>,
    head = '',
  ) {
    fs.mkdirSync(aliceDir, { recursive: true });
    const req = http.request({
      port: b.port,
      method,
      path: route,
      headers: {
        authorization: alice,
        'content-length': String(100 * 1024 * 1024),
        ...headers,
      },
    });
    req.on('error', () => {});
    req.write(head);
    for (let i = 0; i < 64; i++) req.write(Buffer.alloc(64 * 1024, 7));
    const temps = () =>
      fs.readdirSync(aliceDir).filter(n => n.startsWith('.knot-upload-'));
    for (let i = 0; i < 100 && temps().length === 0; i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    const tempsWhileSending = temps().length;
    req.destroy();
    for (let i = 0; i < 100 && temps().length > 0; i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    return { tempsWhileSending, after: fs.readdirSync(aliceDir) };
  }

  it('zips only what lies inside the domain, though its files are swapped for links out while the zip is read', async () => {
    // alice's container: files of 8 MiB (incompressible), so the zip's
    // reader, pausing, holds the backend at the first one.
    const race = path.join(aliceDir, 'race');
    fs.mkdirSync(race);
    const contents = new Map<string, Buffer>();
    for (let i = 0; i < 4; i++) {
      contents.set(`f${i}.bin`, randomBytes(8 * 1024 * 1024));
      fs.writeFileSync(
        path.join(race, `f${i}.bin`),
        contents.get(`f${i}.bin`)!,
      );
    }
    const chunks: Buffer[] = [];
    const response = await new Promise<http.IncomingMessage>(resolve =>
      http.get(
        `http://127.0.0.1:${b.port}${api('/private/zip')}?path=race`,
        { headers: { Authorization: alice } },
        resolve,
      ),
    );
    expect(response.statusCode).toBe(200);
    response.pause();
    await new Promise(r => setTimeout(r, 500));
    // Meanwhile, in the container: every file a link to bob's secret.
    for (const name of contents.keys()) {
      fs.rmSync(path.join(race, name));
      fs.symlinkSync(
        path.join(b.privateDir, 'bob', 'secret.bin'),
        path.join(race, name),
      );
    }
    response.on('data', (c: Buffer) => chunks.push(c));
    response.resume();
    await new Promise(r => response.on('end', r));
    const zipFile = path.join(b.outsideDir, 'race.zip');
    const unzipped = path.join(b.outsideDir, 'race-unzipped');
    fs.writeFileSync(zipFile, Buffer.concat(chunks));
    execFileSync('unzip', ['-q', '-o', zipFile, '-d', unzipped]);
    const got = fs.readdirSync(path.join(unzipped, 'race'));
    // What was read before the swaps, alice's; nothing of bob's.
    expect(got.length).toBeGreaterThanOrEqual(1);
    for (const name of got) {
      const bytes = fs.readFileSync(path.join(unzipped, 'race', name));
      expect(bytes.equals(b.secrets.bob)).toBe(false);
      expect(bytes.equals(contents.get(name)!)).toBe(true);
    }
  });

  it('leaves no file and no temp file when the connection drops mid-upload', async () => {
    const boundary = 'knotboundary';
    const { tempsWhileSending, after } = await dropMidUpload(
      'POST',
      api('/private/upload'),
      { 'content-type': `multipart/form-data; boundary=${boundary}` },
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n`,
    );
    expect(tempsWhileSending).toBe(1);
    expect(
      after.filter(n => n === 'big.bin' || n.startsWith('.knot-')),
    ).toEqual([]);
  });

  it('leaves no file and no temp file when a raw PUT drops midway', async () => {
    const { tempsWhileSending, after } = await dropMidUpload(
      'PUT',
      `${api('/private/file')}?path=big.bin`,
      { 'content-type': 'application/octet-stream' },
    );
    expect(tempsWhileSending).toBe(1);
    expect(
      after.filter(n => n === 'big.bin' || n.startsWith('.knot-')),
    ).toEqual([]);
  });

  it('never mixes two concurrent uploads of the same name', async () => {
    fs.mkdirSync(aliceDir, { recursive: true });
    const size = 4 * 1024 * 1024;
    const upload = (byte: number) =>
      request(b.server)
        .post(api('/private/upload'))
        .set('Authorization', alice)
        .attach('file', Buffer.alloc(size, byte), 'same.bin');
    for (let round = 0; round < 5; round++) {
      const [x, y] = await Promise.all([upload(0x41), upload(0x42)]);
      expect([x.status, y.status]).toEqual([200, 200]);
      const content = fs.readFileSync(path.join(aliceDir, 'same.bin'));
      expect(content.length).toBe(size);
      const first = content[0];
      expect([0x41, 0x42]).toContain(first);
      expect(content.every(c => c === first)).toBe(true);
      expect(
        fs.readdirSync(aliceDir).filter(n => n.startsWith('.knot-')),
      ).toEqual([]);
    }
  });
});
