import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { startKnotTestBackend } from '@knot-platform/knot-test-utils';
import express from 'express';
import request from 'supertest';
import { StoreProfileAccess } from '../profiles/StoreProfileAccess';
import { StoreProfileResolver } from '../profiles/StoreProfileResolver';
import { createDatasetsRouter } from './datasetsRouter';
import { DatashimDatasets } from './DatashimDatasets';

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/** The datasets API over a cluster whose API server serves no Dataset CRD. */
async function startWithoutDatashim() {
  const store = {
    getUser: async (name: string) =>
      name === 'alice'
        ? { active: true, admin: false, team: false }
        : undefined,
    roleIn: async () => undefined,
  } as any;
  // The real class over an API server that lists no Datashim group.
  const kubernetes = {
    makeClient: async () => ({
      getAPIVersions: async () => ({ groups: [{ name: 'apps' }] }),
    }),
  } as any;
  const datasets = new DatashimDatasets(kubernetes);
  const plugin = createBackendPlugin({
    pluginId: 'knot',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          userInfo: coreServices.userInfo,
        },
        async init({ httpRouter, httpAuth, userInfo }) {
          const router = express.Router();
          router.use(express.json());
          router.use(
            createDatasetsRouter({
              profiles: new StoreProfileResolver({
                httpAuth,
                userInfo,
                access: new StoreProfileAccess(store, {
                  isAdmin: async () => false,
                }),
                mayImpersonate: async () => false,
                namespacePrefix: 'knot-',
              }),
              kubernetes,
              datasets,
              config: { connectTimeoutMs: 1000, shared: [], allowedHosts: [] },
            }),
          );
          httpRouter.use(router);
        },
      });
    },
  });
  const { server } = await startKnotTestBackend({
    withoutKnotPlugin: true,
    features: [plugin],
  });
  return server;
}

describe('datasets API without Datashim', () => {
  it('says so on the list and refuses to create or delete with a 503', async () => {
    const server = await startWithoutDatashim();
    const list = await request(server)
      .get('/api/knot/datasets')
      .set('Authorization', as('alice'));
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      available: false,
      message: expect.stringMatching(/Datashim.*not installed/),
      items: [],
    });
    const create = await request(server)
      .post('/api/knot/datasets')
      .set('Authorization', as('alice'))
      .send({
        name: 'data',
        type: 's3',
        endpoint: 'http://127.0.0.1:9',
        bucket: 'bucket',
        accessKey: 'key',
        secretKey: 'secret',
      });
    expect(create.status).toBe(503);
    expect(create.body.error.message).toMatch(/Datashim/);
    const remove = await request(server)
      .delete('/api/knot/datasets/data')
      .set('Authorization', as('alice'));
    expect(remove.status).toBe(503);
  });
});
