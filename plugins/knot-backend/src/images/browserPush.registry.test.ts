import { openAsBlob } from 'node:fs';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  buildTestImage,
  createTestDatabases,
  freePort,
  nodeRegistryTransport,
  seedKnotUsers,
  startAuthenticatedRegistry,
  startKnotTestBackend,
  startRegistryPushNginx,
  writeDockerSaveArchive,
  writeOciLayoutArchive,
  type AuthenticatedRegistry,
  type TestImage,
} from '@knot-platform/knot-test-utils';
import {
  IMAGE_PUSH_GRANT_HEADER,
  planLayoutPush,
  pushLayoutBlobs,
  type KnotImagePushGrant,
  type LayoutPushPlan,
} from '@knot-platform/plugin-knot-common';
import request from 'supertest';
import { as, uploadImage } from './__testUtils__/imagesApi';

// Browser pushes (knot.images.registry.browserPushUrl): the Images page's
// own code, run from Node, pushes the large layers through nginx set up as
// ingress-nginx with Knot's auth-url; the portal then gets the archive
// without them.
jest.setTimeout(120_000);

const databases = createTestDatabases();
const MiB = 1024 * 1024;
/** knot.images.registry.pushAuthKey: the ingress's auth-url carries it. */
const PUSH_AUTH_KEY = 'test-push-auth-key-of-the-ingress-0123456789';

let registry: AuthenticatedRegistry;
let ingress: Awaited<ReturnType<typeof startRegistryPushNginx>>;
let server: Server;
let work: string;
let image: TestImage;
let archive: string;
let knex: Awaited<ReturnType<typeof databases.init>>;

async function registryGet(urlPath: string, accept?: string) {
  const { username, password } = registry.credentials;
  return fetch(`${registry.url}${urlPath}`, {
    headers: {
      Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString(
        'base64',
      )}`,
      ...(accept ? { Accept: accept } : {}),
    },
  });
}

function askGrant(user: string, body: object) {
  return request(server)
    .post('/api/knot/images/pushes')
    .set('Authorization', as(user))
    .send(body);
}

async function planOf(file: string): Promise<LayoutPushPlan> {
  const plan = await planLayoutPush(await openAsBlob(file));
  if (!plan) throw new Error(`${file} is not an OCI layout tar`);
  return plan;
}

const commit = (user: string, repository: string, tag: string, body: Buffer) =>
  uploadImage(server, user, { repository, tag, pushed: 'browser' }, body);

/** A request through the ingress, as a browser would send it. */
function viaIngress(
  method: string,
  uri: string,
  headers: Record<string, string>,
) {
  return fetch(`${ingress.url}${uri}`, { method, headers });
}

beforeAll(async () => {
  registry = await startAuthenticatedRegistry();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-browser-push-'));
  // Two layers above 1 MiB (pushed by the browser), one below (in the
  // archive the portal gets, with the config).
  image = await buildTestImage(path.join(work, 'image'), {
    layerSizes: [2.5 * MiB, 300 * 1024, 1.5 * MiB],
  });
  archive = path.join(work, 'oci.tar');
  await writeOciLayoutArchive(image, archive);
  const ingressPort = await freePort();
  knex = await databases.init('SQLITE_3');
  ({ server } = await startKnotTestBackend({
    knex,
    config: {
      knot: {
        services: { forwardAuth: { ingressController: 'ingress-nginx' } },
        images: {
          registry: {
            url: registry.url,
            pullHost: 'registry.knot.test',
            browserPushUrl: `http://127.0.0.1:${ingressPort}`,
            pushAuthKey: PUSH_AUTH_KEY,
            ...registry.credentials,
          },
          spoolDir: work,
          maxUploadBytes: 16 * MiB,
        },
      },
    },
  }));
  await seedKnotUsers(knex, {
    users: ['alice', 'bob', 'carol', 'dave'],
    admins: ['root'],
    teams: { lab: ['dave'] },
  });
  ingress = await startRegistryPushNginx({
    backendPort: (server.address() as AddressInfo).port,
    registryUrl: registry.url,
    pushAuthKey: PUSH_AUTH_KEY,
    port: ingressPort,
  });
}, 180_000);

afterAll(async () => {
  await ingress?.stop();
  await registry?.stop();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe('browser pushes through the ingress', () => {
  it('tells the Images page where the registry is', async () => {
    const res = await request(server)
      .get('/api/knot/images')
      .set('Authorization', as('alice'));
    expect(res.body.browserPushUrl).toBe(ingress.url);
  });

  it('pushes the large layers apart and commits the archive without them', async () => {
    const plan = await planOf(archive);
    const large = image.layers.filter(l => l.size > MiB);
    expect(plan.blobs.map(b => [b.digest, b.size]).sort()).toEqual(
      large.map(l => [l.digest, l.size]).sort(),
    );
    expect(plan.slim.size).toBeLessThan(MiB);

    const granted = await askGrant('alice', {
      repository: 'alice/direct',
      tag: 'v1',
      blobs: plan.blobs.map(({ digest, size }) => ({ digest, size })),
    });
    expect(granted.status).toBe(200);
    const grant = granted.body as KnotImagePushGrant;
    expect(grant.url).toBe(ingress.url);
    expect(grant.missing.sort()).toEqual(large.map(l => l.digest).sort());
    expect(JSON.stringify(grant)).not.toContain(registry.credentials.password);
    // The audit log says who was let push what; the grant is not in it.
    const logged = await knex('knot_audit_log').where({
      action: 'image.pushGrant',
      target: 'image alice/direct:v1',
    });
    expect(
      logged.map(r => [r.actor, r.acting_profile, r.result, r.details]),
    ).toEqual([
      [
        'alice',
        'alice',
        'success',
        JSON.stringify({
          blobs: large.length,
          bytes: large.reduce((s, l) => s + l.size, 0),
        }),
      ],
    ]);
    expect(JSON.stringify(logged)).not.toContain(grant.grant);

    const from = (await registry.requests()).length;
    let sent = 0;
    await pushLayoutBlobs({
      file: await openAsBlob(archive),
      plan,
      grant,
      repository: 'alice/direct',
      transport: nodeRegistryTransport,
      headers: { Authorization: as('alice') },
      onProgress: n => (sent = n),
    });
    expect(sent).toBe(large.reduce((s, l) => s + l.size, 0));
    // Each large layer: one upload session and one PUT of its bytes.
    const pushed = (await registry.requests()).slice(from);
    expect(pushed.filter(r => r.method === 'PUT')).toHaveLength(2);

    const res = await commit(
      'alice',
      'alice/direct',
      'v1',
      Buffer.from(await plan.slim.arrayBuffer()),
    );
    expect(res.status).toBe(201);
    // The config and the small layer came with the archive.
    expect(res.body).toMatchObject({ uploadedBlobs: 2, skippedBlobs: 2 });
    const manifest = (await (
      await registryGet(
        '/v2/alice/direct/manifests/v1',
        'application/vnd.oci.image.manifest.v1+json',
      )
    ).json()) as any;
    expect(manifest.layers.map((l: any) => l.digest)).toEqual(
      image.layers.map(l => l.digest),
    );
    for (const layer of image.layers) {
      const blob = Buffer.from(
        await (
          await registryGet(`/v2/alice/direct/blobs/${layer.digest}`)
        ).arrayBuffer(),
      );
      expect(blob.equals(await fs.readFile(layer.file))).toBe(true);
    }

    // The same image again: nothing is missing, nothing to push.
    const again = await askGrant('alice', {
      repository: 'alice/direct',
      tag: 'v2',
      blobs: plan.blobs.map(({ digest, size }) => ({ digest, size })),
    });
    expect(again.body.missing).toEqual([]);
    // The tag exists: refused before any push.
    const taken = await askGrant('alice', {
      repository: 'alice/direct',
      tag: 'v1',
      blobs: [],
    });
    expect(taken.status).toBe(409);
  });

  it('refuses an archive without layers the registry does not have, and stores nothing', async () => {
    const plan = await planOf(archive);
    const res = await commit(
      'alice',
      'alice/missing',
      'v1',
      Buffer.from(await plan.slim.arrayBuffer()),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/neither in it nor in the registry/);
    const tags = await registryGet('/v2/alice/missing/tags/list');
    expect(tags.status === 404 || (await tags.json()).tags === null).toBe(true);
  });

  it('refuses the flag on a legacy docker save archive', async () => {
    const file = path.join(work, 'docker.tar');
    await writeDockerSaveArchive(image, file);
    const res = await commit(
      'alice',
      'alice/legacy',
      'v1',
      await fs.readFile(file),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Only an OCI image layout/);
  });

  it('grants nothing outside the acting profile, nor for malformed blobs', async () => {
    const digest = image.layers[0].digest;
    expect(
      (
        await askGrant('alice', {
          repository: 'bob/env',
          tag: 'v1',
          blobs: [{ digest, size: 1 }],
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await askGrant('alice', {
          repository: 'shared/env',
          tag: 'v1',
          blobs: [{ digest, size: 1 }],
        })
      ).status,
    ).toBe(403);
    for (const blobs of [
      [{ digest: 'sha256:../../x', size: 1 }],
      [{ digest, size: -1 }],
      [{ digest, size: 1.5 }],
      [{ digest, size: 17 * MiB }],
      'all',
    ]) {
      const res = await askGrant('alice', {
        repository: 'alice/env',
        tag: 'v1',
        blobs,
      });
      expect(res.status).toBe(400);
    }
    const anonymous = await request(server)
      .post('/api/knot/images/pushes')
      .set('Authorization', mockCredentials.none.header())
      .send({ repository: 'alice/env', tag: 'v1', blobs: [] });
    expect(anonymous.status).toBe(401);
  });

  it('lets through the ingress only what the grant allows, for its user', async () => {
    const layer = image.layers[0];
    const granted = await askGrant('alice', {
      repository: 'alice/guarded',
      tag: 'v1',
      blobs: [{ digest: layer.digest, size: layer.size }],
    });
    const grant = (granted.body as KnotImagePushGrant).grant;
    const alice = {
      Authorization: as('alice'),
      [IMAGE_PUSH_GRANT_HEADER]: grant,
    };
    // Allowed: the registry answers.
    const started = await viaIngress(
      'POST',
      '/v2/alice/guarded/blobs/uploads/',
      alice,
    );
    expect(started.status).toBe(202);

    // No grant, another user's, a forged one, no user at all: 401.
    const refusals: Array<[Record<string, string>, number]> = [
      [{ Authorization: as('alice') }, 401],
      [{ Authorization: as('bob'), [IMAGE_PUSH_GRANT_HEADER]: grant }, 401],
      [
        {
          Authorization: as('alice'),
          [IMAGE_PUSH_GRANT_HEADER]: `${grant.slice(0, -2)}AA`,
        },
        401,
      ],
      [
        {
          Authorization: mockCredentials.none.header(),
          [IMAGE_PUSH_GRANT_HEADER]: grant,
        },
        401,
      ],
    ];
    for (const [headers, status] of refusals) {
      const res = await viaIngress(
        'POST',
        '/v2/alice/guarded/blobs/uploads/',
        headers,
      );
      expect(res.status).toBe(status);
    }
    // Alice's grant, used for what it does not allow: 403. Of a session
    // only the PUT of a granted digest: a PATCH would take bytes without
    // end, whatever size the grant names.
    const session = new URL(started.headers.get('location')!, ingress.url)
      .pathname;
    for (const [method, uri] of [
      ['PATCH', session],
      ['GET', session],
      ['DELETE', session],
      ['HEAD', `/v2/alice/guarded/blobs/${layer.digest}`],
      ['PUT', '/v2/alice/guarded/manifests/v1'],
      ['GET', '/v2/_catalog'],
      ['GET', '/v2/alice/direct/tags/list'],
      ['POST', '/v2/bob/env/blobs/uploads/'],
      [
        'POST',
        `/v2/alice/guarded/blobs/uploads/?mount=${image.layers[0].digest}&from=alice/direct`,
      ],
      ['HEAD', `/v2/alice/guarded/blobs/${image.layers[1].digest}`],
      [
        'POST',
        '/v2/alice/guarded/blobs/uploads/../../../bob/env/blobs/uploads/',
      ],
      [
        'POST',
        '/v2/alice/guarded/blobs/uploads/..%2F..%2F..%2Fbob/env/blobs/uploads/',
      ],
    ]) {
      const res = await viaIngress(method, uri, alice);
      expect([method, uri, res.status]).toEqual([method, uri, 403]);
    }
  });

  it('answers the registry credentials to the ingress only: to a user who sends the headers an ingress sets, 404', async () => {
    const layer = image.layers[0];
    const granted = await askGrant('alice', {
      repository: 'alice/forged',
      tag: 'v1',
      blobs: [{ digest: layer.digest, size: layer.size }],
    });
    // What nginx's auth subrequest sends (ingress-nginx's headers), sent by
    // alice herself, straight to the portal (through its own ingress, or
    // from a pod in the cluster).
    const forged = (query: string) =>
      request(server)
        .get(`/api/knot/images/push-auth${query}`)
        .set('Authorization', as('alice'))
        .set(IMAGE_PUSH_GRANT_HEADER, granted.body.grant)
        .set('X-Original-Method', 'POST')
        .set('X-Original-URL', `${ingress.url}/v2/alice/forged/blobs/uploads/`);
    for (const query of [
      '',
      '?key=',
      `?key=${PUSH_AUTH_KEY.slice(0, -1)}`,
      `?key=${PUSH_AUTH_KEY}x`,
      `?key[]=${PUSH_AUTH_KEY}`,
    ]) {
      const res = await forged(query);
      expect([query, res.status, res.headers.authorization]).toEqual([
        query,
        404,
        undefined,
      ]);
      expect(res.text).not.toContain(registry.credentials.password);
    }
    // The same request with the ingress's key: the credentials (what the
    // refusals above kept from alice).
    const ingressAsks = await forged(`?key=${PUSH_AUTH_KEY}`);
    expect(ingressAsks.status).toBe(200);
    expect(ingressAsks.headers.authorization).toMatch(/^Basic /);
  });

  it('lets a grant through only while its user may still act as its profile', async () => {
    const layer = image.layers[0];
    const grantFor = async (
      user: string,
      repository: string,
      team?: string,
    ) => {
      const res = await askGrant(user, {
        repository,
        tag: 'v1',
        blobs: [{ digest: layer.digest, size: layer.size }],
      }).set(team ? { 'x-knot-profile': team } : {});
      expect(res.status).toBe(200);
      return {
        Authorization: as(user),
        [IMAGE_PUSH_GRANT_HEADER]: (res.body as KnotImagePushGrant).grant,
      };
    };
    const start = (repository: string, headers: Record<string, string>) =>
      viaIngress('POST', `/v2/${repository}/blobs/uploads/`, headers);

    // carol is deactivated within her grant's 15 minutes.
    const carol = await grantFor('carol', 'carol/env');
    expect((await start('carol/env', carol)).status).toBe(202);
    await knex('knot_users')
      .where({ username: 'carol' })
      .update({ active: false });
    expect((await start('carol/env', carol)).status).toBe(403);

    // dave leaves the team whose area his grant was for.
    const dave = await grantFor('dave', 'lab/env', 'lab');
    expect((await start('lab/env', dave)).status).toBe(202);
    await knex('knot_team_members')
      .where({ team: 'lab', member: 'dave' })
      .del();
    expect((await start('lab/env', dave)).status).toBe(403);

    // root, an admin acting as alice, is no longer an admin.
    const root = await grantFor('root', 'alice/env', 'alice');
    expect((await start('alice/env', root)).status).toBe(202);
    await knex('knot_users')
      .where({ username: 'root' })
      .update({ admin: false });
    expect((await start('alice/env', root)).status).toBe(403);
  });
});
