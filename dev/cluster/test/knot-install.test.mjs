// `helm install` of deploy/helm/knot from the images dev/images/build.sh
// built (run.sh builds them first): the portal and both webhook replicas
// run on the real node, the portal answers through Traefik, the first admin
// signs in with the password the chart generated, provisioning (as the
// portal's least-privilege ServiceAccount) makes the admin's namespace, and
// `helm upgrade`/`helm uninstall` keep it. Real node only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  freshNamespace,
  kubectl,
  kubectlJson,
  run,
  testDir,
  uniqueName,
} from './lib.mjs';

const chart = join(testDir, '..', '..', '..', 'deploy', 'helm', 'knot');
const realNode = process.env.KNOT_REAL_NODE === '1';
const helm = (args, opts) => run('helm', args, opts);

test(
  'knot chart: helm install from the built images, admin sign-in through the ingress, upgrade and uninstall keep user namespaces',
  {
    skip:
      (!realNode && 'needs the real node (KNOT_REAL_NODE=1)') ||
      (process.env.KNOT_TEST_INSTALL !== '1' &&
        "builds Knot's images first: scripts/test install (KNOT_TEST_INSTALL=1)"),
  },
  async t => {
    const dir = dirname(process.env.KUBECONFIG);
    const ns = await freshNamespace(t, 'install');
    const release = uniqueName('kt');
    const prefix = `${release}-`;
    // A subdomain the ingress's wildcard certificate covers, so this
    // install never shares a host with another.
    const domain = `${release}.${process.env.KNOT_INGRESS_DOMAIN}`;
    const ingressPort = process.env.KNOT_INGRESS_ADDRESS.split(':')[1];
    const url = `https://${domain}:${ingressPort}`;
    const slot = readFileSync(join(dir, 'node', 'slot'), 'utf8').trim();
    const nodeIp = `10.245.${slot}.1`;
    const storage = join(dir, 'knot-test', release);
    for (const d of ['storage', 'sqlite']) {
      mkdirSync(join(storage, d), { recursive: true });
      chownSync(join(storage, d), 1000, 100);
    }
    const sqlitePv = `${release}-sqlite`;
    t.after(async () => {
      await helm(['uninstall', release, '-n', ns, '--wait'], {
        allowFail: true,
      });
      await kubectl(
        [
          'delete',
          'namespace',
          `${prefix}admin`,
          '--ignore-not-found',
          '--wait=false',
        ],
        { allowFail: true },
      );
      await kubectl(
        [
          'delete',
          'pv',
          sqlitePv,
          'knot-private-admin',
          'knot-shared-admin',
          '--ignore-not-found',
          '--wait=false',
        ],
        {
          allowFail: true,
        },
      );
      rmSync(storage, { recursive: true, force: true });
    });

    // What an admin prepares: the TLS Secret (the ingress's own certificate
    // here), a volume for SQLite (no provisioner locally), the ingress CA.
    await kubectl([
      '-n',
      ns,
      'create',
      'secret',
      'tls',
      'knot-tls',
      `--cert=${join(process.env.KNOT_INGRESS_TLS_DIR, 'tls.crt')}`,
      `--key=${join(process.env.KNOT_INGRESS_TLS_DIR, 'tls.key')}`,
    ]);
    await kubectl([
      '-n',
      ns,
      'create',
      'configmap',
      'ingress-ca',
      `--from-file=ca.crt=${process.env.KNOT_INGRESS_CA}`,
    ]);
    await kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolume',
            metadata: { name: sqlitePv },
            spec: {
              capacity: { storage: '1Gi' },
              accessModes: ['ReadWriteOnce'],
              storageClassName: '',
              hostPath: { path: join(storage, 'sqlite') },
              claimRef: { namespace: ns, name: 'knot-sqlite' },
            },
          },
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: 'knot-sqlite', namespace: ns },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: '',
              volumeName: sqlitePv,
              resources: { requests: { storage: '1Gi' } },
            },
          },
        ],
      }),
    });
    const onRealNode = {
      nodeSelector: { 'knot.dev/node': 'real' },
      tolerations: [
        {
          key: 'knot.dev/node',
          operator: 'Equal',
          value: 'real',
          effect: 'NoSchedule',
        },
      ],
    };
    const values = {
      domain,
      ingress: { port: Number(ingressPort) },
      database: { sqlite: { existingClaim: 'knot-sqlite' } },
      storage: { hostPath: { path: join(storage, 'storage') } },
      knot: {
        namespacePrefix: prefix,
        kubernetes: {
          apiServer: {
            host: nodeIp,
            port: Number(
              readFileSync(join(dir, 'apiserver-port'), 'utf8').trim(),
            ),
          },
        },
      },
      portal: {
        ...onRealNode,
        // The portal calls its own public URL (OIDC token endpoint).
        hostAliases: [{ ip: nodeIp, hostnames: [domain] }],
        extraEnv: [
          { name: 'NODE_EXTRA_CA_CERTS', value: '/etc/knot-ingress-ca/ca.crt' },
        ],
        extraVolumes: [
          { name: 'ingress-ca', configMap: { name: 'ingress-ca' } },
        ],
        extraVolumeMounts: [
          {
            name: 'ingress-ca',
            mountPath: '/etc/knot-ingress-ca',
            readOnly: true,
          },
        ],
      },
      webhook: onRealNode,
    };
    const started = Date.now();
    await helm(
      [
        'install',
        release,
        chart,
        '-n',
        ns,
        '-f',
        '-',
        '--wait',
        '--timeout',
        '300s',
      ],
      { input: JSON.stringify(values), timeout: 320_000 },
    );
    t.diagnostic(
      `helm install to a ready portal: ${Math.round(
        (Date.now() - started) / 1000,
      )} s`,
    );

    const pods = await kubectlJson([
      '-n',
      ns,
      'get',
      'pods',
      '-l',
      `app.kubernetes.io/instance=${release}`,
    ]);
    const byComponent = c =>
      pods.items.filter(
        p => p.metadata.labels['app.kubernetes.io/component'] === c,
      );
    assert.equal(byComponent('portal').length, 1);
    assert.equal(byComponent('webhook').length, 2);
    for (const p of pods.items) {
      assert.equal(p.spec.nodeName, 'real-node', p.metadata.name);
      assert.equal(p.status.phase, 'Running', p.metadata.name);
    }

    // Through Traefik, then the OIDC sign-in of the first admin.
    const curl = args =>
      run('curl', [
        '-s',
        '--cacert',
        process.env.KNOT_INGRESS_CA,
        '--connect-to',
        `::${process.env.KNOT_INGRESS_ADDRESS}`,
        ...args,
      ]);
    const index = await curl(['-w', '\n%{http_code}', `${url}/`]);
    assert.match(index.stdout, /<title>Knot/);
    assert.match(index.stdout, /\n200$/);
    const password = Buffer.from(
      (
        await kubectlJson([
          '-n',
          ns,
          'get',
          'secret',
          `${release}-knot-portal-secrets`,
        ])
      ).data['admin-password'],
      'base64',
    ).toString();
    const jar = join(storage, 'cookies');
    const withJar = [
      '-c',
      jar,
      '-b',
      jar,
      '-L',
      '-o',
      '/dev/null',
      '-w',
      '%{url_effective}',
    ];
    const login = (
      await curl([
        ...withJar,
        `${url}/api/auth/oidc/start?env=production&origin=${url}&flow=redirect&redirectUrl=${url}/`,
      ])
    ).stdout;
    const uid = login.match(/\/interaction\/([^/?]+)$/)?.[1];
    assert.ok(uid, login);
    const back = (
      await curl([
        ...withJar,
        '--data-urlencode',
        'username=admin',
        '--data-urlencode',
        `password=${password}`,
        `${url}/api/knot/oidc/interaction/${uid}/login`,
      ])
    ).stdout;
    assert.equal(back, `${url}/`);
    const session = JSON.parse(
      (
        await curl([
          '-b',
          jar,
          '-H',
          'X-Requested-With: XMLHttpRequest',
          `${url}/api/auth/oidc/refresh?env=production`,
        ])
      ).stdout,
    );
    assert.equal(
      session.backstageIdentity.identity.userEntityRef,
      'user:default/admin',
    );

    // Provisioning ran as the portal: the admin's namespace and the portal's
    // RoleBinding there.
    const bindings = await kubectlJson([
      '-n',
      `${prefix}admin`,
      'get',
      'rolebindings',
    ]);
    assert.deepEqual(bindings.items.map(b => b.metadata.name).sort(), [
      'knot',
      'knot-portal',
    ]);

    // Least privilege covers all the portal did so far (provisioning, the
    // catalog's service entities, sign-in): no API call was refused.
    const logs = await kubectl([
      '-n',
      ns,
      'logs',
      `deploy/${release}-knot-portal`,
    ]);
    assert.doesNotMatch(logs, /is forbidden/);

    // Upgrade (a changed config rolls the portal) keeps the password and
    // the namespace; uninstall removes Knot's objects, keeps both.
    await helm(
      [
        'upgrade',
        release,
        chart,
        '-n',
        ns,
        '-f',
        '-',
        '--set',
        'knot.provisioning.concurrency=4',
      ],
      {
        input: JSON.stringify(values),
        timeout: 320_000,
      },
    );
    const after = (
      await kubectlJson([
        '-n',
        ns,
        'get',
        'secret',
        `${release}-knot-portal-secrets`,
      ])
    ).data['admin-password'];
    assert.equal(Buffer.from(after, 'base64').toString(), password);
    await helm(['uninstall', release, '-n', ns, '--wait']);
    const left = await kubectl([
      '-n',
      ns,
      'get',
      'deploy,svc,ingress',
      '-o',
      'name',
    ]);
    assert.equal(left.trim(), '');
    await kubectl(['get', 'namespace', `${prefix}admin`]);
    await kubectl([
      '-n',
      ns,
      'get',
      'secret',
      `${release}-knot-portal-secrets`,
    ]);
    await kubectl(['-n', ns, 'get', 'pvc', 'knot-sqlite']);
  },
);
