import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  catalogModuleKnotAudience,
  knotAudienceRule,
} from '@knot-platform/plugin-catalog-backend-module-knot';
import {
  AUDIENCE_ANNOTATION,
  CHART_PROFILE_ANNOTATION,
  EVERYONE_AUDIENCE,
  knotProvisioningManagePermission,
  RELEASE_PROFILE_ANNOTATION,
  knotUsersManagePermission,
} from '@knot-platform/plugin-knot-common';
import {
  createTestDatabases,
  mockAuthWithActors,
  mockProfileAccess,
  seedKnotUsers,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import request from 'supertest';
import { testEntitiesModule } from './__testUtils__/testEntitiesModule';
import { KnotPermissionPolicy } from './KnotPermissionPolicy';
import { KnotAllowingOthersPolicy, permissionModuleKnotPolicy } from './module';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';

// The catalog, the permission backend and the knot plugin start in each
// backend: slow on a busy machine.
jest.setTimeout(180_000);

function template(name: string, profile?: string): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name,
      annotations: {
        'backstage.io/managed-by-location': 'knot-test:charts',
        'backstage.io/managed-by-origin-location': 'knot-test:charts',
        ...(profile ? { [CHART_PROFILE_ANNOTATION]: profile } : {}),
      },
    },
    spec: {
      type: 'service',
      owner: profile ? `user:default/${profile}` : 'group:default/knot',
      parameters: [],
      steps: [],
    },
  };
}

const TEMPLATES = [
  template('knot-hello'),
  template('knot-alice-hello', 'alice'),
  template('knot-t-hello', 't'),
];

/** Emits the public chart's Template and alice's and team t's private ones. */
const charts = testEntitiesModule('test-charts', TEMPLATES);

/** A Component, a profile's release one with `profile`; its type is its own. */
function component(
  name: string,
  profile?: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'backstage.io/managed-by-location': 'knot-test:releases',
        'backstage.io/managed-by-origin-location': 'knot-test:releases',
        ...(profile ? { [RELEASE_PROFILE_ANNOTATION]: profile } : {}),
        ...annotations,
      },
    },
    spec: { type: `type-${name}`, lifecycle: 'production', owner: 'x' },
  };
}

const COMPONENTS = [
  component('public-api'),
  component('alice-hello', 'alice'),
  component('t-hello', 't'),
  // Claims to be everyone's: the audience is Knot's to stamp, not the
  // entity's.
  component('alice-claims-everyone', 'alice', {
    [AUDIENCE_ANNOTATION]: EVERYONE_AUDIENCE,
  }),
];

/** Emits a public Component and alice's and team t's release Components. */
const releases = testEntitiesModule('test-releases', COMPONENTS);

const databases = createTestDatabases();

/** alice, bob, carol (member of t) and the admin dana; alice is in no team. */
const USERS = {
  users: ['alice', 'bob', 'carol'],
  admins: ['dana'],
  teams: { t: ['carol'] },
};

describe('Knot permission policy with the real catalog', () => {
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startKnotTestBackend({
      knex,
      features: [
        catalogPlugin,
        scaffolderEntityModel,
        permissionPlugin,
        permissionModuleKnotPolicy,
        // The rule of the policy's condition and the audience it reads, as
        // Knot's catalog module installs them.
        catalogModuleKnotAudience,
        charts,
        releases,
        mockAuthWithActors,
      ],
      config: {
        permission: { enabled: true },
        catalog: { rules: [{ allow: ['Component', 'Template', 'Location'] }] },
      },
    });
    server = backend.server;
    await seedKnotUsers(knex, USERS);
    // Wait for the catalog to process the Templates and Components.
    for (let i = 0; i < 100; i++) {
      const res = await request(server)
        .get(
          '/api/catalog/entities/by-query?filter=kind=template&filter=kind=component',
        )
        .set('Authorization', mockCredentials.service.header());
      if (res.body.items?.length === TEMPLATES.length + COMPONENTS.length) {
        return;
      }
      await new Promise(r => setTimeout(r, 300));
    }
    throw new Error('The catalog did not process the test entities');
  });

  const as = (who: string) =>
    who === 'service'
      ? mockCredentials.service.header()
      : mockCredentials.user.header(`user:default/${who}`);

  async function templatesOf(who: string): Promise<string[]> {
    const res = await request(server)
      .get('/api/catalog/entities/by-query?filter=kind=template')
      .set('Authorization', as(who));
    expect(res.status).toBe(200);
    return res.body.items.map((e: Entity) => e.metadata.name).sort();
  }

  async function readStatus(who: string, name: string): Promise<number> {
    const res = await request(server)
      .get(`/api/catalog/entities/by-name/template/default/${name}`)
      .set('Authorization', as(who));
    return res.status;
  }

  it('shows a private Template only to who may act as its profile', async () => {
    expect(await templatesOf('alice')).toEqual([
      'knot-alice-hello',
      'knot-hello',
    ]);
    expect(await templatesOf('carol')).toEqual(['knot-hello', 'knot-t-hello']);
    expect(await templatesOf('bob')).toEqual(['knot-hello']);
    const all = ['knot-alice-hello', 'knot-hello', 'knot-t-hello'];
    expect(await templatesOf('dana')).toEqual(all);
    expect(await templatesOf('service')).toEqual(all);
  });

  it('answers 404 to a read by name of a Template one may not see', async () => {
    expect(await readStatus('alice', 'knot-alice-hello')).toBe(200);
    expect(await readStatus('alice', 'knot-t-hello')).toBe(404);
    expect(await readStatus('carol', 'knot-t-hello')).toBe(200);
    expect(await readStatus('carol', 'knot-alice-hello')).toBe(404);
    expect(await readStatus('bob', 'knot-alice-hello')).toBe(404);
    expect(await readStatus('bob', 'knot-t-hello')).toBe(404);
    expect(await readStatus('bob', 'knot-hello')).toBe(200);
    expect(await readStatus('dana', 'knot-t-hello')).toBe(200);
    expect(await readStatus('service', 'knot-alice-hello')).toBe(200);
  });

  it('leaves them out of by-refs and facets too', async () => {
    const refs = await request(server)
      .post('/api/catalog/entities/by-refs')
      .set('Authorization', as('bob'))
      .send({
        entityRefs: TEMPLATES.map(e => `template:default/${e.metadata.name}`),
      });
    expect(refs.status).toBe(200);
    expect(
      refs.body.items.map((e: Entity | null) => e?.metadata.name ?? null),
    ).toEqual(['knot-hello', null, null]);

    const facets = await request(server)
      .get(
        '/api/catalog/entity-facets?facet=metadata.name&filter=kind=template',
      )
      .set('Authorization', as('bob'));
    expect(facets.status).toBe(200);
    expect(
      facets.body.facets['metadata.name'].map(
        (f: { value: string }) => f.value,
      ),
    ).toEqual(['knot-hello']);
  });

  /** The catalog page's list (first page, with its count) and its facets. */
  async function catalogPageOf(who: string) {
    const list = await request(server)
      .get(
        '/api/catalog/entities/by-query?filter=kind=component&limit=20&orderField=metadata.name,asc',
      )
      .set('Authorization', as(who));
    expect(list.status).toBe(200);
    const facets = await request(server)
      .get('/api/catalog/entity-facets?facet=spec.type&filter=kind=component')
      .set('Authorization', as(who));
    expect(facets.status).toBe(200);
    const legacy = await request(server)
      .get('/api/catalog/entities?filter=kind=component')
      .set('Authorization', as(who));
    expect(legacy.status).toBe(200);
    return {
      names: list.body.items.map((e: Entity) => e.metadata.name),
      totalItems: list.body.totalItems,
      types: facets.body.facets['spec.type'].map(
        (f: { value: string; count: number }) => `${f.value}:${f.count}`,
      ),
      legacy: legacy.body.map((e: Entity) => e.metadata.name).sort(),
    };
  }

  it("keeps another profile's release Components out of lists, counts, facets and reads by name", async () => {
    expect(await catalogPageOf('bob')).toEqual({
      names: ['public-api'],
      totalItems: 1,
      types: ['type-public-api:1'],
      legacy: ['public-api'],
    });
    const alices = ['alice-claims-everyone', 'alice-hello', 'public-api'];
    expect(await catalogPageOf('alice')).toEqual({
      names: alices,
      totalItems: 3,
      types: alices.map(n => `type-${n}:1`),
      legacy: alices,
    });
    expect((await catalogPageOf('carol')).names).toEqual([
      'public-api',
      't-hello',
    ]);
    const all = COMPONENTS.map(e => e.metadata.name).sort();
    expect((await catalogPageOf('dana')).names).toEqual(all);
    expect((await catalogPageOf('dana')).totalItems).toBe(all.length);

    const byName = async (who: string, name: string) =>
      (
        await request(server)
          .get(`/api/catalog/entities/by-name/component/default/${name}`)
          .set('Authorization', as(who))
      ).status;
    expect(await byName('bob', 'alice-hello')).toBe(404);
    expect(await byName('bob', 'alice-claims-everyone')).toBe(404);
    expect(await byName('carol', 'alice-hello')).toBe(404);
    expect(await byName('alice', 'alice-hello')).toBe(200);
    expect(await byName('bob', 'public-api')).toBe(200);
  });

  it("grants Knot's admin rights to Knot admins only, through the framework", async () => {
    const get = (who: string, path: string, profile?: string) => {
      const r = request(server).get(path).set('Authorization', as(who));
      return profile ? r.set('x-knot-profile', profile) : r;
    };
    expect((await get('dana', '/api/knot/users')).status).toBe(200);
    const refused = await get('alice', '/api/knot/users');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('Only Knot admins may do this');
    expect((await get('alice', '/api/knot/teams')).status).toBe(403);
    expect((await get('alice', '/api/knot/provisioning/folders')).status).toBe(
      403,
    );
    // Impersonation: acting as a profile one is not a member of.
    expect((await get('dana', '/api/knot/profile', 'bob')).body).toMatchObject({
      name: 'bob',
      actor: 'dana',
    });
    expect((await get('alice', '/api/knot/profile', 'bob')).status).toBe(403);
    expect((await get('carol', '/api/knot/profile', 't')).status).toBe(200);
  });
});

describe('entities the catalog has not stamped (written before the upgrade)', () => {
  it('are seen by admins only until the catalog processes them again', async () => {
    // The rule without the processor: the catalog's entities carry no
    // audience, as those stored before Knot stamped one. (Not the one that
    // claims an audience of its own: until processed again it would be
    // read as it claims; Knot's providers never write one.)
    const old = COMPONENTS.filter(
      e => !e.metadata.annotations?.[AUDIENCE_ANNOTATION],
    );
    const ruleOnly = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'knot-audience-rule-only',
      register(reg) {
        reg.registerInit({
          deps: { permissionsRegistry: coreServices.permissionsRegistry },
          async init({ permissionsRegistry }) {
            permissionsRegistry.addPermissionRules([knotAudienceRule]);
          },
        });
      },
    });
    const knex = await databases.init('SQLITE_3');
    const { server } = await startKnotTestBackend({
      knex,
      features: [
        catalogPlugin,
        permissionPlugin,
        permissionModuleKnotPolicy,
        ruleOnly,
        testEntitiesModule('test-old-releases', old),
        mockAuthWithActors,
      ],
      config: {
        permission: { enabled: true },
        catalog: { rules: [{ allow: ['Component', 'Location'] }] },
      },
    });
    await seedKnotUsers(knex, USERS);
    const as = (who: string) =>
      who === 'service'
        ? mockCredentials.service.header()
        : mockCredentials.user.header(`user:default/${who}`);
    const names = async (who: string): Promise<string[]> => {
      const res = await request(server)
        .get('/api/catalog/entities/by-query?filter=kind=component')
        .set('Authorization', as(who));
      expect(res.status).toBe(200);
      return res.body.items.map((e: Entity) => e.metadata.name).sort();
    };
    const all = old.map(e => e.metadata.name).sort();
    for (
      let i = 0;
      i < 100 && (await names('service')).length < all.length;
      i++
    ) {
      await new Promise(r => setTimeout(r, 300));
    }
    expect(await names('service')).toEqual(all);
    const unstamped = await request(server)
      .get('/api/catalog/entities/by-name/component/default/alice-hello')
      .set('Authorization', as('service'));
    expect(unstamped.body.metadata.annotations).not.toHaveProperty(
      AUDIENCE_ANNOTATION,
    );
    expect(await names('dana')).toEqual(all);
    expect(await names('alice')).toEqual([]);
    expect(await names('bob')).toEqual([]);
  });
});

describe("an adopter's own policy", () => {
  it("decides Knot's admin rights, not Knot's user store", async () => {
    // A policy that lets alice, who is no Knot admin, manage users only.
    const alicePolicy = createBackendModule({
      pluginId: 'permission',
      moduleId: 'alice-policy',
      register(reg) {
        reg.registerInit({
          deps: { policy: policyExtensionPoint },
          async init({ policy }) {
            policy.setPolicy({
              async handle(query, user) {
                const alice = user?.info.userEntityRef === 'user:default/alice';
                return {
                  result:
                    alice &&
                    isPermission(query.permission, knotUsersManagePermission)
                      ? AuthorizeResult.ALLOW
                      : AuthorizeResult.DENY,
                };
              },
            });
          },
        });
      },
    });
    const knex = await databases.init('SQLITE_3');
    const { server } = await startKnotTestBackend({
      knex,
      features: [permissionPlugin, alicePolicy],
      config: { permission: { enabled: true } },
    });
    await seedKnotUsers(knex, USERS);
    const get = (who: string, path: string) =>
      request(server)
        .get(path)
        .set(
          'Authorization',
          mockCredentials.user.header(`user:default/${who}`),
        );
    expect((await get('alice', '/api/knot/users')).status).toBe(200);
    expect((await get('alice', '/api/knot/teams')).status).toBe(403);
    expect((await get('dana', '/api/knot/users')).status).toBe(403);
  });
});

describe('KnotPermissionPolicy', () => {
  const user = {
    credentials: mockCredentials.user('user:default/carol'),
    info: { userEntityRef: 'user:default/carol', ownershipEntityRefs: [] },
  };
  // The sign-in token of carol, a member of t.
  const userInfo = mockServices.userInfo({
    ownershipEntityRefs: ['user:default/carol', 'group:default/t'],
  });

  it('falls back to the sign-in token when Knot does not answer', async () => {
    const policy = new KnotPermissionPolicy(
      {
        actingProfiles: async () => {
          throw new Error('knot is down');
        },
      },
      userInfo,
      mockServices.logger.mock(),
    );
    const decision = await policy.handle(
      { permission: catalogEntityReadPermission },
      user,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: {
        rule: 'KNOT_AUDIENCE',
        resourceType: 'catalog-entity',
        params: { audiences: ['*', 'carol', 't'] },
      },
    });
  });

  it('allows everything that is not about catalog entities, Kubernetes or Knot (the module)', async () => {
    const policy = new KnotAllowingOthersPolicy(
      new KnotPermissionPolicy(
        mockProfileAccess(),
        userInfo,
        mockServices.logger.mock(),
      ),
    );
    expect(
      await policy.handle(
        {
          permission: {
            type: 'basic',
            name: 'scaffolder.task.create',
            attributes: { action: 'create' },
          },
        },
        user,
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    // Registering entities is Knot's to decide: admins only.
    expect(
      await policy.handle(
        {
          permission: {
            type: 'basic',
            name: 'catalog.entity.create',
            attributes: { action: 'create' },
          },
        },
        user,
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
    expect(
      await policy.handle({ permission: catalogEntityReadPermission }),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("grants Knot's permissions to admins, denies them to others and to calls without a user", async () => {
    const policy = new KnotPermissionPolicy(
      mockProfileAccess({ admins: ['dana'] }),
      mockServices.userInfo(),
      mockServices.logger.mock(),
    );
    const as = (ref: string) => ({
      credentials: mockCredentials.user(ref),
      info: { userEntityRef: ref, ownershipEntityRefs: [ref] },
    });
    const decide = async (who?: string) =>
      (
        await policy.handle(
          { permission: knotProvisioningManagePermission },
          who ? as(who) : undefined,
        )
      ).result;
    expect(await decide('user:default/dana')).toBe(AuthorizeResult.ALLOW);
    expect(await decide('user:default/carol')).toBe(AuthorizeResult.DENY);
    expect(await decide()).toBe(AuthorizeResult.DENY);
    // Handed a permission that is not its own, it refuses.
    expect(
      (
        await policy.handle(
          {
            permission: {
              type: 'basic',
              name: 'scaffolder.task.create',
              attributes: { action: 'create' },
            },
          },
          as('user:default/dana'),
        )
      ).result,
    ).toBe(AuthorizeResult.DENY);
  });
});
