import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type * as k8s from '@kubernetes/client-node';
import {
  createKnotOidc,
  migrateOidcDatabase,
} from '@knot-platform/plugin-knot-oidc';
import {
  createTestDatabases,
  describeWithCluster,
  formAction,
  loadOpenidClient,
  removeProvisionedProfiles,
  runHelm,
  testKubeconfig,
  TestBrowser,
} from '@knot-platform/knot-test-utils';
import express from 'express';
import { parseAllDocuments } from 'yaml';
import {
  knotClaimsFor,
  storeAccountSource,
} from '../identity/oidc/storeAccountSource';
import { UserStore } from '../identity/UserStore';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import {
  ARGO_ACCOUNT,
  ARGO_RBAC_RULE,
  ARGO_RBAC_RULE_PRECEDENCE,
  ARGO_ROLE_RULES,
  ARGO_TOKEN_SECRET,
} from './argoWorkflows';
import { KubeObjects } from './KubeObjects';
import type { ProvisioningTarget } from './ProfileSource';
import { readProvisioningConfig } from './config';
import { ProvisioningReconciler } from './ProvisioningReconciler';

jest.setTimeout(120_000);

const client = loadOpenidClient();
const databases = createTestDatabases();
const REDIRECT = 'https://argo.example/oauth2/callback';

/**
 * Argo's own evaluation of rbac-rule expressions: expr-lang over Argo's
 * claims type (dev/cluster/tools/argo-rbac-rule, built by cluster.sh).
 */
function evaluateRules(
  requests: Array<{ rule: string; claims: Record<string, unknown> }>,
): Array<{ allow?: boolean; error?: string }> {
  const out = execFileSync(
    process.env.KNOT_ARGO_RBAC_RULE_BIN ?? 'argo-rbac-rule',
    { input: requests.map(r => JSON.stringify(r)).join('\n') },
  ).toString();
  return out
    .trim()
    .split('\n')
    .map(line => JSON.parse(line));
}

describeWithCluster('Argo Workflows accounts of every profile', () => {
  const run = Math.random().toString(36).slice(2, 7);
  const alice = `alice-${run}`;
  const bob = `bob-${run}`;
  const carol = `carol-${run}`;
  const team = `vision-${run}`;
  // A prefix of our own: the orphan sweep only ever looks at this run's.
  const prefix = `ka${run}-`;
  const names = [alice, bob, carol, team];
  const ns = (name: string) => `${prefix}${name}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-argo-'));
  let profiles: ProvisioningTarget[] = [
    { name: alice, isTeam: false, active: true },
    { name: bob, isTeam: false, active: true },
    { name: carol, isTeam: false, active: true },
    { name: team, isTeam: true, active: true },
  ];
  const config = readProvisioningConfig(
    new ConfigReader({
      knot: {
        namespacePrefix: prefix,
        storage: {
          privateDir: path.join(dir, 'private'),
          sharedDir: path.join(dir, 'shared'),
        },
        integrations: {
          argoWorkflows: {
            url: 'https://argo.example',
            oidc: { clientSecret: 'argo-secret' },
          },
        },
      },
    }),
  );
  const clients = new KubernetesClientFactory(testKubeconfig());
  const reconciler = new ProvisioningReconciler({
    kube: new KubeObjects(clients),
    source: { listProfiles: async () => profiles },
    config,
    logger: mockServices.logger.mock(),
  });
  let core: k8s.CoreV1Api;
  let rbac: k8s.RbacAuthorizationV1Api;
  let authz: k8s.AuthorizationV1Api;

  beforeAll(async () => {
    core = await clients.makeClient(lib => lib.CoreV1Api);
    rbac = await clients.makeClient(lib => lib.RbacAuthorizationV1Api);
    authz = await clients.makeClient(lib => lib.AuthorizationV1Api);
    const report = await reconciler.reconcileAll();
    const failed = report.actions.filter(a => a.action === 'failed');
    if (failed.length > 0) {
      throw new Error(`provisioning failed: ${JSON.stringify(failed)}`);
    }
  });

  afterAll(async () => {
    await removeProvisionedProfiles(names, prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function allowed(
    account: string,
    namespace: string,
    check: Check,
  ): Promise<boolean> {
    const review = await authz.createSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: `system:serviceaccount:${account}:${ARGO_ACCOUNT}`,
          groups: [
            'system:serviceaccounts',
            `system:serviceaccounts:${account}`,
            'system:authenticated',
          ],
          resourceAttributes: { namespace, ...check },
        },
      },
    });
    return review.status?.allowed === true;
  }

  interface Check {
    verb: string;
    group: string;
    resource: string;
    subresource?: string;
  }
  const argo = (verb: string, resource: string): Check => ({
    verb,
    group: 'argoproj.io',
    resource,
  });
  /** What Argo's UI does as the account, and what it must never do. */
  const CHECKS: Array<[Check, boolean]> = [
    [argo('create', 'workflows'), true],
    [argo('list', 'workflows'), true],
    [argo('delete', 'workflows'), true],
    [argo('create', 'workflowtemplates'), true],
    [argo('update', 'cronworkflows'), true],
    [argo('create', 'workfloweventbindings'), true],
    [{ verb: 'get', group: '', resource: 'pods', subresource: 'log' }, true],
    [{ verb: 'list', group: '', resource: 'events' }, true],
    [{ verb: 'get', group: '', resource: 'secrets' }, false],
    [{ verb: 'create', group: '', resource: 'pods' }, false],
    [
      {
        verb: 'create',
        group: 'rbac.authorization.k8s.io',
        resource: 'rolebindings',
      },
      false,
    ],
    [argo('create', 'clusterworkflowtemplates'), false],
  ];

  it('lets each profile account manage workflows in its own namespace only (SubjectAccessReview matrix)', async () => {
    const namespaces = [...names.map(ns), 'default', 'kube-system'];
    const cases = names.flatMap(owner =>
      namespaces.flatMap(namespace =>
        CHECKS.map(([check, inOwn]) => ({
          owner,
          namespace,
          check,
          expected: inOwn && namespace === ns(owner),
        })),
      ),
    );
    const unexpected: string[] = [];
    await Promise.all(
      cases.map(async ({ owner, namespace, check, expected }) => {
        const actual = await allowed(ns(owner), namespace, check);
        if (actual !== expected) {
          unexpected.push(
            `${owner} ${check.verb} ${check.resource}${
              check.subresource ? `/${check.subresource}` : ''
            } in ${namespace}: ${actual ? 'allowed' : 'refused'}`,
          );
        }
      }),
    );
    expect(unexpected).toEqual([]);
    expect(cases).toHaveLength(
      names.length * namespaces.length * CHECKS.length,
    );
    // Half the accounts' own rights were granted: the matrix can fail.
    expect(cases.filter(c => c.expected)).toHaveLength(names.length * 8);
  });

  it('has the token Secret Argo acts with and the annotated account', async () => {
    const account = await core.readNamespacedServiceAccount({
      namespace: ns(team),
      name: ARGO_ACCOUNT,
    });
    expect(account.metadata?.annotations).toMatchObject({
      [ARGO_RBAC_RULE_PRECEDENCE]: '1',
    });
    const secret = await core.readNamespacedSecret({
      namespace: ns(alice),
      name: ARGO_TOKEN_SECRET,
    });
    expect(secret.type).toBe('kubernetes.io/service-account-token');
    // A second reconcile finds everything in place.
    const again = await reconciler.reconcileAll();
    expect(
      again.actions.filter(a => names.includes(a.profile)).map(a => a.action),
    ).toEqual([]);
  });

  it('maps real Knot ID tokens of alice, bob and a team member to their own accounts (Argo’s expr-lang)', async () => {
    // Knot's provider on a real user store: carol is in the team.
    const [[databaseId]] = databases.eachSupportedId();
    const knex = await databases.init(databaseId);
    const store = await UserStore.create({
      database: { getClient: async () => knex },
    });
    for (const user of [alice, bob, carol]) {
      await store.signUp({ username: user, password: `${user} password` });
      await store.setActive(user, true);
    }
    await store.createTeam(team, [carol]);
    let app: express.Express | undefined;
    const server: Server = createServer((req, res) => app!(req, res));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    try {
      const issuer = `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }/oidc`;
      await migrateOidcDatabase(knex);
      const oidc = await createKnotOidc({
        issuer,
        knex,
        accounts: storeAccountSource(
          store,
          knotClaimsFor({ namespacePrefix: prefix, ingressUrl: 'https://k' }),
        ),
        clients: [
          {
            clientId: 'argo-workflows',
            clientSecret: 'argo-secret',
            redirectUris: [REDIRECT],
            skipConsent: true,
          },
        ],
      });
      app = express();
      app.use('/oidc', oidc.router);
      const rp = await client.discovery(
        new URL(issuer),
        'argo-workflows',
        undefined,
        client.ClientSecretBasic('argo-secret'),
        { execute: [client.allowInsecureRequests] },
      );
      const idToken = async (user: string) => {
        const verifier = client.randomPKCECodeVerifier();
        const browser = new TestBrowser(REDIRECT);
        const login = await browser.go(
          client.buildAuthorizationUrl(rp, {
            redirect_uri: REDIRECT,
            scope: 'openid email profile',
            code_challenge: await client.calculatePKCECodeChallenge(verifier),
            code_challenge_method: 'S256',
          }).href,
        );
        const done = await browser.go(formAction(login.body, login.url), {
          username: user,
          password: `${user} password`,
        });
        const tokens = await client.authorizationCodeGrant(
          rp,
          new URL(done.location!),
          { pkceCodeVerifier: verifier },
        );
        return tokens.claims()! as Record<string, unknown>;
      };

      // The rules as they are in the cluster, one account per namespace.
      const rules = new Map<string, string>();
      for (const name of names) {
        const account = await core.readNamespacedServiceAccount({
          namespace: ns(name),
          name: ARGO_ACCOUNT,
        });
        rules.set(name, account.metadata!.annotations![ARGO_RBAC_RULE]);
      }
      const expected: Record<string, string[]> = {
        [alice]: [alice],
        [bob]: [bob],
        [carol]: [carol, team],
      };
      for (const user of [alice, bob, carol]) {
        const claims = await idToken(user);
        const answers = evaluateRules(
          names.map(name => ({ rule: rules.get(name)!, claims })),
        );
        // No rule fails to evaluate (Argo would refuse the request).
        expect(answers.filter(a => a.error)).toEqual([]);
        expect(
          names.filter((_, i) => answers[i].allow === true).sort(),
        ).toEqual(expected[user].sort());
      }
    } finally {
      await new Promise(r => server.close(r));
    }
  });

  it('unbinds a deactivated profile and removes everything with a deleted one', async () => {
    profiles = profiles.map(p =>
      p.name === bob ? { ...p, active: false } : p,
    );
    await reconciler.reconcileProfile(bob);
    expect(await allowed(ns(bob), ns(bob), argo('create', 'workflows'))).toBe(
      false,
    );
    await expect(
      rbac.readNamespacedRoleBinding({
        namespace: ns(bob),
        name: ARGO_ACCOUNT,
      }),
    ).rejects.toMatchObject({ code: 404 });

    profiles = profiles.filter(p => p.name !== carol);
    await reconciler.reconcileProfile(carol);
    const gone = await core.readNamespace({ name: ns(carol) }).then(
      n => !!n.metadata?.deletionTimestamp,
      () => true,
    );
    expect(gone).toBe(true);
  });

  it('binds the accounts to a configured ClusterRole instead (the chart), replacing the Role binding', async () => {
    // The chart's own ClusterRole, rendered with the integration on (the
    // --kube-version keeps the render offline), under this run's name.
    const chart = path.resolve(__dirname, '../../../../deploy/helm/knot');
    const rendered = await runHelm([
      'template',
      'kt',
      chart,
      '--kube-version',
      '1.36.0',
      '--set',
      'knot.integrations.argoWorkflows.url=https://argo.example',
      '--set',
      'knot.integrations.argoWorkflows.oidc.existingSecret=argo-oidc',
      '--show-only',
      'templates/portal-rbac.yaml',
    ]);
    const chartRole = parseAllDocuments(rendered)
      .map(doc => doc.toJS())
      .find(
        o =>
          o?.kind === 'ClusterRole' &&
          o.metadata.name === 'kt-knot-argo-workflows',
      );
    expect(chartRole.rules).toEqual(ARGO_ROLE_RULES);
    const clusterRole = `knot-argo-${run}`;
    await rbac.createClusterRole({
      body: { metadata: { name: clusterRole }, rules: chartRole.rules },
    });
    try {
      const chartReconciler = new ProvisioningReconciler({
        kube: new KubeObjects(clients),
        source: { listProfiles: async () => profiles },
        config: { ...config, argoWorkflowsClusterRole: clusterRole },
        logger: mockServices.logger.mock(),
      });
      for (const name of [alice, team]) {
        const report = await chartReconciler.reconcileProfile(name);
        expect(report.actions.filter(a => a.action === 'failed')).toEqual([]);
        const binding = await rbac.readNamespacedRoleBinding({
          namespace: ns(name),
          name: ARGO_ACCOUNT,
        });
        expect(binding.roleRef).toMatchObject({
          kind: 'ClusterRole',
          name: clusterRole,
        });
      }
      // The same confinement through the ClusterRole: own namespace only.
      for (const owner of [alice, team]) {
        for (const namespace of [ns(alice), ns(team), ns(bob), 'default']) {
          for (const [check, inOwn] of CHECKS) {
            expect({
              owner,
              namespace,
              check,
              allowed: await allowed(ns(owner), namespace, check),
            }).toEqual({
              owner,
              namespace,
              check,
              allowed: inOwn && namespace === ns(owner),
            });
          }
        }
      }
      // Nothing left to do on a second pass.
      const again = await chartReconciler.reconcileProfile(alice);
      expect(again.actions).toEqual([]);
    } finally {
      await rbac.deleteClusterRole({ name: clusterRole });
    }
  });
});
