import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { HELM_RELEASE_NAME_ANNOTATION } from '@knot-platform/plugin-knot-common';
import {
  createProfileNamespace,
  createTestDatabases,
  eventually,
  runHelm,
  seedKnotUsers,
  startKnotTestBackend,
  testKubeClient,
  testKubeconfig,
  testUsername,
} from '@knot-platform/knot-test-utils';
import type { Knex } from 'knex';
import {
  describeWithIngress,
  domain,
  helloImage,
  viaIngress,
} from '../forwardAuth/__testUtils__/viaIngress';

// Sharing end to end: alice's service installed by the real helm (which
// annotates its Ingress with the release), behind the real Traefik ingress
// whose forward-auth is this backend's; shares made through the API.
jest.setTimeout(300_000);

const databases = createTestDatabases();

/** A chart of the hello image on the real node, behind forward-auth. */
function writeHelloChart(dir: string) {
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'Chart.yaml'),
    'apiVersion: v2\nname: shared-hello\nversion: 0.1.0\n',
  );
  fs.writeFileSync(
    path.join(dir, 'templates', 'hello.yaml'),
    `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}
  labels: { app: {{ .Release.Name }} }
spec:
  nodeSelector: { knot.dev/node: real }
  tolerations:
    - { key: knot.dev/node, operator: Equal, value: real, effect: NoSchedule }
  terminationGracePeriodSeconds: 1
  containers:
    - name: hello
      image: ${helloImage}
      ports: [{ name: http, containerPort: 8080 }]
      readinessProbe: { httpGet: { path: /healthz, port: 8080 }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: {{ .Release.Name }} }
spec:
  selector: { app: {{ .Release.Name }} }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}
  annotations:
    nginx.ingress.kubernetes.io/auth-url: {{ .Values.authUrl | quote }}
    nginx.ingress.kubernetes.io/auth-response-headers: X-Knot-User,X-Knot-Profile,Cookie,Authorization
spec:
  rules:
    - host: {{ .Values.host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: { service: { name: {{ .Release.Name }}, port: { number: 80 } } }
`,
  );
}

describeWithIngress(
  'sharing a service through the real Traefik ingress',
  () => {
    const alice = testUsername('ali');
    const bob = testUsername('bob');
    const carol = testUsername('car');
    const dave = testUsername('dav');
    const team = testUsername('lab');
    const host = `hello-${alice}.${domain}`;
    let knex: Knex;
    let api = '';
    let tmp = '';
    let namespace: { remove: () => Promise<void> } | undefined;

    const token = (user: string) =>
      mockCredentials.limitedUser.token(`user:default/${user}`);
    const visit = async (user: string) =>
      (
        await viaIngress(host, '/api/headers', {
          Authorization: `Bearer ${token(user)}`,
        })
      ).status;
    const call = (method: string, url: string, user: string, body?: object) =>
      fetch(`${api}${url}`, {
        method,
        headers: {
          Authorization: mockCredentials.user.header(`user:default/${user}`),
          'Content-Type': 'application/json',
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    const share = async (grantee: string, expiresAt?: string) => {
      const res = await call('POST', '/services/hello/shares', alice, {
        grantee,
        expiresAt,
      });
      expect(res.status).toBe(201);
    };
    const revoke = async (grantee: string) => {
      const res = await call(
        'DELETE',
        `/services/hello/shares/${grantee}`,
        alice,
      );
      expect(res.status).toBe(204);
    };

    beforeAll(async () => {
      knex = await databases.init('SQLITE_3');
      const { server } = await startKnotTestBackend({
        knex,
        config: {
          app: { baseUrl: `https://${domain}` },
          knot: {
            kubernetes: { kubeconfig: testKubeconfig()! },
            ingress: { domain },
            services: { forwardAuth: { ingressController: 'traefik' } },
          },
        },
      });
      api = `http://127.0.0.1:${server.port()}/api/knot`;
      await seedKnotUsers(knex, {
        users: [alice, bob, carol, dave],
        teams: { [team]: [carol] },
      });
      namespace = await createProfileNamespace(alice);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-sharing-'));
      writeHelloChart(tmp);
      await runHelm([
        'install',
        'hello',
        tmp,
        '-n',
        `knot-${alice}`,
        '--set',
        `host=${host}`,
        '--set',
        `authUrl=${api}/forward-auth?redirect=1`,
      ]);
      // Traefik routes a moment after the API server has the Ingress.
      await eventually(
        `${host} serving its owner`,
        async () => ((await visit(alice)) === 200 ? true : undefined),
        180_000,
      );
    });

    afterAll(async () => {
      await runHelm(['uninstall', 'hello', '-n', `knot-${alice}`]).catch(
        () => {},
      );
      await namespace?.remove();
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('knows the release from the annotation helm itself wrote on the Ingress', async () => {
      const ingress = await testKubeClient(
        lib => lib.NetworkingV1Api,
      ).readNamespacedIngress({ namespace: `knot-${alice}`, name: 'hello' });
      expect(
        ingress.metadata?.annotations?.[HELM_RELEASE_NAME_ANNOTATION],
      ).toBe('hello');
    });

    it('bob: 403; alice shares → 200 as bob; revoked → the next request 403', async () => {
      expect(await visit(bob)).toBe(403);
      await share(bob);
      const shared = await viaIngress(host, '/api/headers', {
        Authorization: `Bearer ${token(bob)}`,
      });
      expect(shared.status).toBe(200);
      const seen = JSON.parse(shared.text);
      expect(seen['X-Knot-User']).toEqual([bob]);
      expect(seen['X-Knot-Profile']).toEqual([alice]);
      // bob finds it in his "Shared with me" list.
      const list = await (await call('GET', '/me/shared-services', bob)).json();
      expect(list.items).toEqual([
        expect.objectContaining({
          owner: alice,
          service: 'hello',
          url: expect.stringContaining(`hello-${alice}.${domain}`),
        }),
      ]);
      await revoke(bob);
      expect(await visit(bob)).toBe(403);
    });

    it('a team share lets each member in, and nobody else; leaving the team closes it', async () => {
      await share(team);
      expect(await visit(carol)).toBe(200);
      expect(await visit(dave)).toBe(403);
      await knex('knot_team_members').insert({
        team,
        member: dave,
        role: 'viewer',
      });
      expect(await visit(dave)).toBe(200);
      await knex('knot_team_members').where({ team, member: carol }).delete();
      expect(await visit(carol)).toBe(403);
      await revoke(team);
      expect(await visit(dave)).toBe(403);
    });

    it('an expired share lets nobody in', async () => {
      const expiresAt = new Date(Date.now() + 4_000);
      await share(bob, expiresAt.toISOString());
      expect(await visit(bob)).toBe(200);
      await new Promise(r =>
        setTimeout(r, expiresAt.getTime() - Date.now() + 500),
      );
      expect(await visit(bob)).toBe(403);
    });
  },
);
