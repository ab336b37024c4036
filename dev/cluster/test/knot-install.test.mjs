// `helm install` of deploy/helm/knot from the images dev/images/build.sh
// built (run.sh builds them first): the portal and both webhook replicas
// run on the real node, the portal answers through Traefik, the first admin
// signs in with the password the chart generated, provisioning (as the
// portal's least-privilege ServiceAccount) makes the admin's namespace, and
// `helm upgrade`/`helm uninstall` keep it. Real node only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import {
  freshNamespace,
  kubectl,
  kubectlJson,
  run,
  testDir,
  uniqueName,
  waitFor,
} from './lib.mjs';

const chart = join(testDir, '..', '..', '..', 'deploy', 'helm', 'knot');
const realNode = process.env.KNOT_REAL_NODE === '1';
const helm = (args, opts) => run('helm', args, opts);
const skipUnlessInstall =
  (!realNode && 'needs the real node (KNOT_REAL_NODE=1)') ||
  (process.env.KNOT_TEST_INSTALL !== '1' &&
    "builds Knot's images first: scripts/test install (KNOT_TEST_INSTALL=1)");

const postgresScript = join(
  testDir,
  '..',
  '..',
  '..',
  'scripts',
  'postgres.sh',
);

/**
 * What an admin prepares before `helm install`, in a fresh namespace, and
 * the values every install here uses (real node, the ingress's own TLS
 * certificate and CA, hostPath storage). Removed again after the test.
 */
async function prepareInstall(t) {
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
    // The node keeps what it pulled under a tag: always take the image
    // this run built (build.sh reuses the tag after a source change).
    image: { pullPolicy: 'Always' },
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
      extraVolumes: [{ name: 'ingress-ca', configMap: { name: 'ingress-ca' } }],
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
  return { dir, ns, release, prefix, domain, url, nodeIp, storage, values };
}

/** curl through Traefik, trusting the local CA. */
const viaIngress = args =>
  run('curl', [
    '-s',
    '--cacert',
    process.env.KNOT_INGRESS_CA,
    '--connect-to',
    `::${process.env.KNOT_INGRESS_ADDRESS}`,
    ...args,
  ]);

/**
 * The first admin's OIDC sign-in through the ingress, with the password the
 * chart generated: the cookie jar and the Backstage session it holds.
 */
async function signInAdmin({ ns, release, storage, url }) {
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
    await viaIngress([
      ...withJar,
      `${url}/api/auth/oidc/start?env=production&origin=${url}&flow=redirect&redirectUrl=${url}/`,
    ])
  ).stdout;
  const uid = login.match(/\/interaction\/([^/?]+)$/)?.[1];
  assert.ok(uid, login);
  const back = (
    await viaIngress([
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
      await viaIngress([
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

  return { password, jar, session };
}

test(
  'knot chart: helm install from the built images, admin sign-in through the ingress, upgrade and uninstall keep user namespaces',
  {
    skip: skipUnlessInstall,
  },
  async t => {
    const install = await prepareInstall(t);
    const { ns, release, prefix, url, values } = install;
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
    const index = await viaIngress(['-w', '\n%{http_code}', `${url}/`]);
    assert.match(index.stdout, /<title>Knot/);
    assert.match(index.stdout, /\n200$/);
    const { password } = await signInAdmin(install);

    // Provisioning ran as the portal: the admin's namespace and the portal's
    // RoleBinding there. Provisioning runs after the sign-in, not as part of
    // it: wait for it instead of racing it.
    const expected = JSON.stringify(['knot', 'knot-portal']);
    await waitFor(
      `the RoleBindings ${expected} in ${prefix}admin`,
      async () => {
        const bindings = await kubectlJson([
          '-n',
          `${prefix}admin`,
          'get',
          'rolebindings',
        ]);
        const names = JSON.stringify(
          bindings.items.map(b => b.metadata.name).sort(),
        );
        if (names !== expected) throw new Error(`RoleBindings: ${names}`);
        return true;
      },
      90_000,
      1000,
    );

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

test(
  'knot chart: helm install of two portal replicas on PostgreSQL: a session from one works on the other, and losing one loses nothing',
  { skip: skipUnlessInstall },
  async t => {
    const install = await prepareInstall(t);
    const { ns, release, url, nodeIp, values } = install;
    // PostgreSQL from Debian on the host, listening on the node's bridge
    // address so the portal pods reach it (the chart needs a password
    // Secret; this throw-away server trusts the pod network).
    // (postgres.sh: a directory its system user can reach, not under /root)
    const postgres = mkdtempSync('/tmp/knot-pg-install.');
    t.after(() => run(postgresScript, ['stop', postgres], { allowFail: true }));
    const pgPort = 20000 + Math.floor(Math.random() * 5000);
    await run(postgresScript, ['start', postgres], {
      env: {
        ...process.env,
        KNOT_TEST_POSTGRES_PORT: String(pgPort),
        KNOT_POSTGRES_LISTEN: `127.0.0.1,${nodeIp}`,
      },
    });
    await kubectl([
      '-n',
      ns,
      'create',
      'secret',
      'generic',
      'knot-postgres',
      '--from-literal=password=unused-with-trust',
    ]);
    const replicated = {
      ...values,
      database: {
        type: 'postgres',
        postgres: {
          host: nodeIp,
          port: pgPort,
          user: 'postgres',
          existingSecret: 'knot-postgres',
        },
      },
      portal: { ...values.portal, replicas: 2 },
    };
    // Two replicas migrate and start on a loaded 2-core machine: a longer
    // wait, and what the pods said when it runs out.
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
        '540s',
      ],
      { input: JSON.stringify(replicated), timeout: 560_000 },
    ).catch(async error => {
      const pods = await kubectl(['-n', ns, 'get', 'pods', '-o', 'wide'], {
        allowFail: true,
      });
      const logs = await kubectl(
        [
          '-n',
          ns,
          'logs',
          '--tail=30',
          '-l',
          'app.kubernetes.io/component=portal',
        ],
        { allowFail: true },
      );
      throw new Error(
        `${error.message}\n${pods.stdout}\n${logs.stdout}${logs.stderr}`,
      );
    });
    const portalPods = async () =>
      (
        await kubectlJson([
          '-n',
          ns,
          'get',
          'pods',
          '-l',
          `app.kubernetes.io/instance=${release},app.kubernetes.io/component=portal`,
        ])
      ).items.filter(
        p =>
          !p.metadata.deletionTimestamp &&
          p.status.conditions?.some(
            c => c.type === 'Ready' && c.status === 'True',
          ),
      );
    const [a, b] = await portalPods();
    assert.ok(a && b, 'two ready portal replicas');
    assert.notEqual(a.status.podIP, b.status.podIP);

    // Signed in through the ingress (either replica answers), then the
    // same session used on each replica directly.
    const { jar, session } = await signInAdmin(install);
    const token = session.backstageIdentity.token;
    const onPod = (pod, method, path, ...args) =>
      run('curl', [
        '-s',
        '-X',
        method,
        '-H',
        `Authorization: Bearer ${token}`,
        '-w',
        '\n%{http_code}',
        ...args,
        `http://${pod.status.podIP}:7007/api/knot${path}`,
      ]);
    const written = await onPod(
      a,
      'PUT',
      '/files/private/file?path=replicas.txt',
      '--data-binary',
      'written on replica A',
    );
    assert.match(written.stdout, /\n200$/, written.stdout);
    const readB = await onPod(
      b,
      'GET',
      '/files/private/download?path=replicas.txt',
    );
    assert.equal(readB.stdout, 'written on replica A\n200');

    // Replica A goes away mid-session: through the ingress the session
    // refreshes (kept in PostgreSQL) and the file is there.
    await kubectl(['-n', ns, 'delete', 'pod', a.metadata.name, '--wait=false']);
    await waitFor(
      'replica A out of the Service',
      async () =>
        !(await portalPods()).some(p => p.metadata.name === a.metadata.name),
      60_000,
    );
    const refreshed = JSON.parse(
      (
        await viaIngress([
          '-b',
          jar,
          '-H',
          'X-Requested-With: XMLHttpRequest',
          `${url}/api/auth/oidc/refresh?env=production`,
        ])
      ).stdout,
    );
    assert.equal(
      refreshed.backstageIdentity.identity.userEntityRef,
      'user:default/admin',
    );
    for (let i = 0; i < 4; i++) {
      // Several requests: none may land on the replica that is gone.
      const read = await viaIngress([
        '-H',
        `Authorization: Bearer ${refreshed.backstageIdentity.token}`,
        '-w',
        '\n%{http_code}',
        `${url}/api/knot/files/private/download?path=replicas.txt`,
      ]);
      assert.equal(read.stdout, 'written on replica A\n200');
    }
    // The Deployment replaces it; both answer the same session again.
    const replaced = await waitFor(
      'a replacement replica',
      async () => {
        const pods = await portalPods();
        return pods.length === 2 ? pods : false;
      },
      180_000,
      1000,
    );
    for (const pod of replaced) {
      const read = await onPod(
        pod,
        'GET',
        '/files/private/download?path=replicas.txt',
      );
      assert.equal(read.stdout, 'written on replica A\n200', pod.metadata.name);
    }
  },
);
