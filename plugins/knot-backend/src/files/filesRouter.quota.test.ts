import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import {
  startFilesBackend,
  type FilesBackend,
} from './__testUtils__/filesBackend';

describe('file API quota', () => {
  let b: FilesBackend;
  let aliceDir: string;
  beforeEach(async () => {
    b = await startFilesBackend({ privateQuotaMiB: 1 });
    aliceDir = path.join(b.privateDir, 'alice');
  });
  afterEach(() => b.cleanup());

  const upload = (name: string, bytes: number) =>
    request(b.server)
      .post('/api/knot/files/private/upload')
      .set('Authorization', b.auth('alice'))
      .attach('file', Buffer.alloc(bytes, 1), name);

  it('refuses an upload whose declared size does not fit', async () => {
    expect((await upload('a.bin', 600 * 1024)).status).toBe(200);
    const res = await upload('b.bin', 600 * 1024);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(
      /does not fit in your storage quota: 0\.6 MiB of 1\.0 MiB used/,
    );
    expect(fs.readdirSync(aliceDir)).toEqual(['a.bin']);
  });

  it('refuses a raw PUT whose declared size does not fit', async () => {
    const res = await request(b.server)
      .put('/api/knot/files/private/file')
      .query({ path: 'big.bin' })
      .set('Authorization', b.auth('alice'))
      .set('content-type', 'application/octet-stream')
      .send(Buffer.alloc(2 * 1024 * 1024, 1));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(
      /does not fit in your storage quota/,
    );
    expect(fs.existsSync(path.join(aliceDir, 'big.bin'))).toBe(false);
  });

  it('stops a streamed upload once it no longer fits', async () => {
    fs.mkdirSync(aliceDir, { recursive: true });
    const status = await new Promise<number>((resolve, reject) => {
      // No content-length: Node sends the body chunked.
      const req = http.request(
        {
          port: b.port,
          method: 'POST',
          path: '/api/knot/files/private/upload',
          headers: {
            authorization: b.auth('alice'),
            'content-type': 'multipart/form-data; boundary=q',
          },
        },
        res => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.write(
        '--q\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n',
      );
      req.write(Buffer.alloc(2 * 1024 * 1024, 1));
      req.end('\r\n--q--\r\n');
    });
    expect(status).toBe(413);
    expect(fs.readdirSync(aliceDir)).toEqual([]);
  });

  it('does not limit the shared folder', async () => {
    const res = await request(b.server)
      .post('/api/knot/files/shared/upload')
      .set('Authorization', b.auth('alice'))
      .attach('file', Buffer.alloc(2 * 1024 * 1024, 1), 'big.bin');
    expect(res.status).toBe(200);
  });
});
