import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createProfileNamespace,
  describeWithCluster,
  installService,
  servicesTestConfigData,
  startKnotTestBackend,
  testKubeClient,
  testUsername,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';

jest.setTimeout(180_000);

describeWithCluster('services API against the real cluster and helm', () => {
  const user = testUsername('api');
  const auth = mockCredentials.user.header(`user:default/${user}`);
  let profile: Awaited<ReturnType<typeof createProfileNamespace>>;

  beforeAll(async () => {
    profile = await createProfileNamespace(user);
  });
  afterAll(async () => {
    await profile.remove();
  });

  it('lists, reconfigures and deletes the profile releases', async () => {
    const { server } = await startKnotTestBackend({
      config: servicesTestConfigData(),
    });
    await installService(server, user, {
      chart: 'hello-kubernetes',
      name: 'hello',
      values: { message: 'first' },
    });

    // The Deployment becomes ready on the kwok node.
    let service: any;
    for (let i = 0; i < 120; i++) {
      const list = await request(server)
        .get('/api/knot/services')
        .set('Authorization', auth);
      expect(list.status).toBe(200);
      service = list.body.items[0];
      if (service?.state === 'Running') break;
      await new Promise(r => setTimeout(r, 500));
    }
    expect(service).toMatchObject({
      name: 'hello',
      namespace: `knot-${user}`,
      profile: user,
      chart: 'hello-kubernetes',
      chartVersion: '1.0.2',
      revision: 1,
      helmStatus: 'deployed',
      state: 'Running',
      ready: '1/1',
      url: `https://hello-${user}.knot.test/`,
      entityRef: `component:default/hello-${user}`,
    });
    expect(Date.now() - Date.parse(service.updated)).toBeLessThan(120_000);

    const values = await request(server)
      .get('/api/knot/services/hello/values')
      .set('Authorization', auth);
    expect(values.body).toEqual({ values: { message: 'first' } });

    const bad = await request(server)
      .put('/api/knot/services/hello/values')
      .set('Authorization', auth)
      .send({ values: 'nope' });
    expect(bad.status).toBe(400);
    const internal = await request(server)
      .put('/api/knot/services/hello/values')
      .set('Authorization', auth)
      .send({
        values: { message: 'second', knot: { hostname: 'evil.example' } },
      });
    expect(internal.status).toBe(400);
    const form = await request(server)
      .get('/api/knot/services/hello/form')
      .set('Authorization', auth);
    expect(form.body).toMatchObject({
      chart: 'hello-kubernetes',
      values: { message: 'first' },
      schema: { properties: { message: { type: 'string' } } },
    });
    expect(form.body.schema.properties.knot).toBeUndefined();
    const upgraded = await request(server)
      .put('/api/knot/services/hello/values')
      .set('Authorization', auth)
      .send({ values: { message: 'second' } });
    expect(upgraded.status).toBe(204);
    // helm upgraded the Deployment: the new message, the same Knot hostname.
    const deployment = await testKubeClient(
      lib => lib.AppsV1Api,
    ).readNamespacedDeployment({ name: 'hello', namespace: `knot-${user}` });
    const env = deployment.spec!.template.spec!.containers[0].env ?? [];
    expect(env).toEqual(
      expect.arrayContaining([{ name: 'MESSAGE', value: 'second' }]),
    );
    expect(JSON.stringify(deployment)).toContain(`hello-${user}.knot.test`);
    const after = await request(server)
      .get('/api/knot/services/hello/values')
      .set('Authorization', auth);
    expect(after.body).toEqual({ values: { message: 'second' } });
    const list = await request(server)
      .get('/api/knot/services')
      .set('Authorization', auth);
    expect(list.body.items[0].revision).toBe(2);

    expect(
      (
        await request(server)
          .delete('/api/knot/services/nope')
          .set('Authorization', auth)
      ).status,
    ).toBe(404);
    expect(
      (
        await request(server)
          .delete('/api/knot/services/hello')
          .set('Authorization', auth)
      ).status,
    ).toBe(204);
    const empty = await request(server)
      .get('/api/knot/services')
      .set('Authorization', auth);
    expect(empty.body).toEqual({ items: [] });

    // Another profile is refused, and so is an anonymous caller.
    const other = await request(server)
      .get('/api/knot/services')
      .set('Authorization', auth)
      .set('x-knot-profile', 'someone');
    expect(other.status).toBe(403);
    expect(
      (
        await request(server)
          .get('/api/knot/services')
          .set('Authorization', mockCredentials.none.header())
      ).status,
    ).toBe(401);
  });
});
