import { mockCredentials } from '@backstage/backend-test-utils';
import { startKnotTestBackend } from '@knot-platform/knot-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';

// The admin routes as mounted by the plugin; admins are the names of
// `knot.identity.admins` here (the permission framework is off, so Knot
// admins alone hold Knot's permissions). No request reaches the cluster.
describe('provisioning admin routes', () => {
  async function start(admins: string[], privateDir = '/nonexistent/p') {
    const { server } = await startKnotTestBackend({
      config: {
        knot: {
          identity: { admins },
          storage: { privateDir },
          provisioning: { profiles: [{ name: 'alice' }] },
        },
      },
    });
    return server;
  }

  it('refuses unauthenticated requests with 401', async () => {
    const res = await request(await start(['mock']))
      .get('/api/knot/provisioning/profiles')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('refuses signed-in users who are not admins with 403', async () => {
    const res = await request(await start(['someone-else']))
      .post('/api/knot/provisioning/reconcile')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('Only Knot admins may do this');
  });

  it('answers 400 for a malformed profile name', async () => {
    const res = await request(await start(['mock']))
      .post('/api/knot/provisioning/reconcile')
      .set('Authorization', mockCredentials.user.header())
      .send({ profile: '../etc' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/must be a user or team name/);
  });

  it('deletes the folder of a removed profile only when confirmed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-folders-'));
    try {
      fs.mkdirSync(path.join(dir, 'alice'));
      fs.mkdirSync(path.join(dir, 'bob'));
      fs.writeFileSync(path.join(dir, 'bob', 'data.csv'), '1,2');
      const server = await start(['mock'], dir);
      const auth = mockCredentials.user.header();

      const list = await request(server)
        .get('/api/knot/provisioning/folders')
        .set('Authorization', auth);
      expect(list.body).toEqual({ items: ['bob'] });

      const unconfirmed = await request(server)
        .delete('/api/knot/provisioning/folders/bob')
        .set('Authorization', auth)
        .send({ confirm: 'bo' });
      expect(unconfirmed.status).toBe(400);
      const existing = await request(server)
        .delete('/api/knot/provisioning/folders/alice')
        .set('Authorization', auth)
        .send({ confirm: 'alice' });
      expect(existing.status).toBe(409);
      expect(fs.existsSync(path.join(dir, 'bob', 'data.csv'))).toBe(true);

      const deleted = await request(server)
        .delete('/api/knot/provisioning/folders/bob')
        .set('Authorization', auth)
        .send({ confirm: 'bob' });
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ action: 'deleted', kind: 'Folder' });
      expect(fs.existsSync(path.join(dir, 'bob'))).toBe(false);
      expect(fs.existsSync(path.join(dir, 'alice'))).toBe(true);

      const again = await request(server)
        .delete('/api/knot/provisioning/folders/bob')
        .set('Authorization', auth)
        .send({ confirm: 'bob' });
      expect(again.status).toBe(404);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
