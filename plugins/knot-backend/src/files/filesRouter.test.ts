import { mockCredentials } from '@backstage/backend-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  filePath,
  startFilesBackend,
  type FilesBackend,
} from './__testUtils__/filesBackend';

describe('files API', () => {
  let b: FilesBackend;
  let alice: string;
  beforeEach(async () => {
    b = await startFilesBackend();
    alice = b.auth('alice');
  });
  afterEach(() => b.cleanup());

  const api = (p: string) => `/api/knot/files${p}`;

  it('refuses unauthenticated requests', async () => {
    const res = await request(b.server)
      .get(api('/private/list'))
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('creates the private folder 0700 and lists it empty', async () => {
    const res = await request(b.server)
      .get(api('/private/list'))
      .set('Authorization', alice);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      domain: 'private',
      path: '',
      entries: [],
      total: 0,
      offset: 0,
      limit: 1000,
    });
    const mode = fs.statSync(path.join(b.privateDir, 'alice')).mode & 0o777;
    expect(mode).toBe(0o700);
  });

  it('uploads files and folders, lists, sorts and pages them', async () => {
    const up = await request(b.server)
      .post(api('/private/upload'))
      .set('Authorization', alice)
      .attach('file', Buffer.from('hello'), 'b.txt')
      .attach('file', Buffer.alloc(3000, 1), 'a.bin')
      .attach('file', Buffer.from('deep'), filePath('project/data/c.txt'));
    expect(up.status).toBe(200);
    expect(up.body.uploaded).toEqual(
      expect.arrayContaining([
        { path: 'b.txt', size: 5 },
        { path: 'a.bin', size: 3000 },
        { path: 'project/data/c.txt', size: 4 },
      ]),
    );

    const byName = await request(b.server)
      .get(api('/private/list'))
      .set('Authorization', alice);
    expect(byName.body.entries.map((e: any) => [e.name, e.type])).toEqual([
      ['project', 'directory'],
      ['a.bin', 'file'],
      ['b.txt', 'file'],
    ]);

    const bySize = await request(b.server)
      .get(api('/private/list'))
      .query({ sort: 'size', order: 'desc', offset: 1, limit: 1 })
      .set('Authorization', alice);
    expect(bySize.body).toMatchObject({ total: 3, offset: 1, limit: 1 });
    expect(bySize.body.entries.map((e: any) => e.name)).toEqual(['a.bin']);

    const deep = await request(b.server)
      .get(api('/private/list'))
      .query({ path: 'project/data' })
      .set('Authorization', alice);
    expect(deep.body.entries).toEqual([
      expect.objectContaining({
        name: 'c.txt',
        path: 'project/data/c.txt',
        size: 4,
      }),
    ]);
  });

  it('stores a raw PUT body as one file, whatever its type', async () => {
    const bytes = Buffer.from(
      Array.from({ length: 70_000 }, (_, i) => i % 251),
    );
    const put = await request(b.server)
      .put(api('/private/file'))
      .query({ path: 'new/folder/data.bin' })
      .set('Authorization', alice)
      .set('content-type', 'application/octet-stream')
      .send(bytes);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      uploaded: [{ path: 'new/folder/data.bin', size: bytes.length }],
    });
    expect(
      fs.readFileSync(path.join(b.privateDir, 'alice', 'new/folder/data.bin')),
    ).toEqual(bytes);

    // A JSON file is stored as sent, not parsed (nor size-limited) as JSON.
    const json = `{"big": "${'x'.repeat(100_000)}"}`;
    const asJson = await request(b.server)
      .put(api('/shared/file'))
      .query({ path: 'config.json' })
      .set('Authorization', alice)
      .set('content-type', 'application/json')
      .send(json);
    expect(asJson.status).toBe(200);
    expect(fs.readFileSync(path.join(b.sharedDir, 'config.json'), 'utf8')).toBe(
      json,
    );

    const empty = await request(b.server)
      .put(api('/private/file'))
      .query({ path: 'empty.txt' })
      .set('Authorization', alice)
      .set('content-type', 'application/octet-stream')
      .send(Buffer.alloc(0));
    expect(empty.body).toEqual({ uploaded: [{ path: 'empty.txt', size: 0 }] });

    const noPath = await request(b.server)
      .put(api('/private/file'))
      .set('Authorization', alice)
      .send(Buffer.from('x'));
    expect(noPath.status).toBe(400);
    expect(noPath.body.error.message).toMatch(/path inside the folder/);
  });

  it('uploads into a sub-folder and the shared folder', async () => {
    fs.mkdirSync(path.join(b.sharedDir, 'inbox'));
    const res = await request(b.server)
      .post(api('/shared/upload'))
      .query({ path: 'inbox' })
      .set('Authorization', alice)
      .attach('file', Buffer.from('shared!'), 'note.txt');
    expect(res.status).toBe(200);
    expect(
      fs.readFileSync(path.join(b.sharedDir, 'inbox', 'note.txt'), 'utf8'),
    ).toBe('shared!');
    const bob = await request(b.server)
      .get(api('/shared/download'))
      .query({ path: 'inbox/note.txt' })
      .set('Authorization', b.auth('bob'));
    expect(bob.text).toBe('shared!');
  });

  it('downloads whole files and byte ranges', async () => {
    const content = Buffer.from('0123456789abcdef');
    fs.mkdirSync(path.join(b.privateDir, 'alice'), { recursive: true });
    fs.writeFileSync(path.join(b.privateDir, 'alice', 'n.txt'), content);
    const whole = await request(b.server)
      .get(api('/private/download'))
      .query({ path: 'n.txt' })
      .set('Authorization', alice);
    expect(whole.status).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-disposition']).toContain('n.txt');
    expect(whole.text).toBe(content.toString());

    const part = await request(b.server)
      .get(api('/private/download'))
      .query({ path: 'n.txt' })
      .set('Range', 'bytes=10-')
      .set('Authorization', alice);
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 10-15/16');
    expect(part.text).toBe('abcdef');

    const bad = await request(b.server)
      .get(api('/private/download'))
      .query({ path: 'n.txt' })
      .set('Range', 'bytes=100-200')
      .set('Authorization', alice);
    expect(bad.status).toBe(416);

    const folder = await request(b.server)
      .get(api('/private/download'))
      .query({ path: '' })
      .set('Authorization', alice);
    expect(folder.status).toBe(400);
  });

  it('streams a folder as a zip without temp files', async () => {
    const dir = path.join(b.privateDir, 'alice', 'proj');
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.txt'), 'A');
    fs.writeFileSync(path.join(dir, 'sub', 'b.txt'), 'B');
    fs.writeFileSync(path.join(dir, '.knot-upload-123'), 'partial');
    const res = await request(b.server)
      .get(api('/private/zip'))
      .query({ path: 'proj' })
      .set('Authorization', alice)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('proj.zip');
    const zip = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'z-')),
      'p.zip',
    );
    fs.writeFileSync(zip, res.body);
    const listing = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' });
    expect(listing.split('\n').filter(Boolean).sort()).toEqual([
      'proj/',
      'proj/a.txt',
      'proj/sub/',
      'proj/sub/b.txt',
    ]);
    fs.rmSync(path.dirname(zip), { recursive: true });
  });

  it('creates folders, renames and deletes', async () => {
    const post = (p: string, body: object) =>
      request(b.server).post(api(p)).set('Authorization', alice).send(body);
    expect((await post('/private/mkdir', { path: 'x' })).status).toBe(201);
    expect((await post('/private/mkdir', { path: 'x' })).status).toBe(409);
    expect((await post('/private/mkdir', { path: 'no/such' })).status).toBe(
      404,
    );
    expect((await post('/private/mkdir', { path: '' })).status).toBe(400);
    expect((await post('/private/mkdir', { path: 'x/y' })).status).toBe(201);
    expect((await post('/private/rename', { from: 'x', to: 'z' })).status).toBe(
      200,
    );
    expect(fs.existsSync(path.join(b.privateDir, 'alice', 'z', 'y'))).toBe(
      true,
    );
    expect(
      (await post('/private/rename', { from: 'z', to: 'z/y/w' })).status,
    ).toBe(400);
    expect((await post('/private/mkdir', { path: 'v' })).status).toBe(201);
    const clash = await post('/private/rename', { from: 'v', to: 'z' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toBe('/private/z already exists');
    expect(
      (await post('/private/rename', { from: 'gone', to: 'q' })).status,
    ).toBe(404);

    const del = await request(b.server)
      .delete(api('/private'))
      .query({ path: 'z' })
      .set('Authorization', alice);
    expect(del.status).toBe(204);
    expect(fs.existsSync(path.join(b.privateDir, 'alice', 'z'))).toBe(false);
    const root = await request(b.server)
      .delete(api('/private'))
      .query({ path: '' })
      .set('Authorization', alice);
    expect(root.status).toBe(400);
  });

  it('answers clear 4xx errors on bad input', async () => {
    const get = (q: object, domain = 'private') =>
      request(b.server)
        .get(api(`/${domain}/list`))
        .query(q)
        .set('Authorization', alice);
    const missing = await get({ path: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('/private/nope does not exist');
    expect((await get({}, 'public')).status).toBe(404);
    expect((await get({ sort: 'owner' })).status).toBe(400);
    expect((await get({ limit: '0' })).status).toBe(400);
    expect((await get({ offset: '-1' })).status).toBe(400);
    const notMultipart = await request(b.server)
      .post(api('/private/upload'))
      .set('Authorization', alice)
      .send({ a: 1 });
    expect(notMultipart.status).toBe(400);
  });

  it('never lists upload temp files', async () => {
    const dir = path.join(b.privateDir, 'alice');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.knot-upload-abc'), 'partial');
    fs.writeFileSync(path.join(dir, '.hidden'), 'dotfile');
    const res = await request(b.server)
      .get(api('/private/list'))
      .set('Authorization', alice);
    expect(res.body.entries.map((e: any) => e.name)).toEqual(['.hidden']);
  });
});
