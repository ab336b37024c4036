// `helm install` of deploy/helm/knot from the images dev/images/build.sh
// built (run.sh builds them first): the portal and both webhook replicas
// run on the real node, the portal answers through Traefik, the first admin
// signs in with the password the chart generated, provisioning (as the
// portal's least-privilege ServiceAccount) makes the admin's namespace, a
// user the admin approved deploys Hello Kubernetes through the portal and
// gets the webhook's injections and forward-auth, and `helm upgrade`/`helm
// uninstall` keep users' namespaces. Real node only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { ingressCertificate } from './certs.mjs';
import {
  freshNamespace,
  kubectl,
  kubectlJson,
  livePods,
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

/** A port on 127.0.0.1 nothing listens on right now. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * What an admin prepares before `helm install`, in a fresh namespace, and
 * the values every install here uses (real node, a certificate for the
 * install's domain from the ingress's CA, hostPath storage). Profiles the
 * test adds (`profiles`: usernames besides the admin) are removed with it.
 */
async function prepareInstall(t, { profiles = [] } = {}) {
  const dir = dirname(process.env.KUBECONFIG);
  const ns = await freshNamespace(t, 'install');
  const release = uniqueName('kt');
  const prefix = `${release}-`;
  // A subdomain of the ingress's domain, so this install never shares a
  // host with another.
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
  mkdirSync(join(storage, 'tls'));
  const sqlitePv = `${release}-sqlite`;
  // Where the test forwards a host port to the portal Service (below).
  const portalTunnelPort = await freePort();
  t.after(async () => {
    // After a failure only (the tests uninstall themselves): no hooks (the
    // uninstall hook may be what failed), and the cluster-wide objects
    // removed even if helm could not: a webhook configuration left behind
    // (failurePolicy Fail, every knot=enabled namespace) would refuse the
    // pods of every later installation's profiles.
    await helm(['uninstall', release, '-n', ns, '--no-hooks', '--wait'], {
      allowFail: true,
      timeout: 320_000,
    });
    await kubectl(
      [
        'delete',
        'mutatingwebhookconfiguration,validatingwebhookconfiguration,validatingadmissionpolicy,validatingadmissionpolicybinding,clusterrole,clusterrolebinding',
        '-l',
        `app.kubernetes.io/instance=${release}`,
        '--ignore-not-found',
      ],
      { allowFail: true },
    );
    const all = ['admin', ...profiles];
    await kubectl(
      [
        'delete',
        'namespace',
        ...all.map(p => `${prefix}${p}`),
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
        // PV names carry the namespace prefix (knot-private-<p> by default).
        ...all.flatMap(p => [`${prefix}private-${p}`, `${prefix}shared-${p}`]),
        '--ignore-not-found',
        '--wait=false',
      ],
      {
        allowFail: true,
      },
    );
    rmSync(storage, { recursive: true, force: true });
  });

  // What an admin prepares: the TLS Secret for <domain> and *.<domain>
  // (users' services are <service>-<user>.<domain>: the cluster's own
  // certificate for *.<KNOT_INGRESS_DOMAIN> does not cover them), a volume
  // for SQLite (no provisioner locally), the ingress CA.
  const tls = await ingressCertificate(join(storage, 'tls'), domain);
  await kubectl([
    '-n',
    ns,
    'create',
    'secret',
    'tls',
    'knot-tls',
    `--cert=${tls.cert}`,
    `--key=${tls.key}`,
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
    webhook: {
      ...onRealNode,
      // Traefik runs on the host, where the default forward-auth URL (the
      // portal Service's .svc name) neither resolves nor routes (no cluster
      // DNS, no kube-proxy): a host port forwarded to the portal Service
      // stands in for it (portalTunnel). A controller inside the cluster
      // uses the default.
      authUrl: `http://127.0.0.1:${portalTunnelPort}/api/knot/forward-auth`,
    },
  };
  return {
    dir,
    ns,
    release,
    prefix,
    domain,
    ingressPort,
    url,
    nodeIp,
    storage,
    portalTunnelPort,
    values,
  };
}

/**
 * `kubectl port-forward` of the portal Service on the host port the
 * webhook's forward-auth URL names: the way Traefik (on the host) reaches
 * the in-cluster portal. Stopped after the test.
 */
async function portalTunnel(t, { ns, release, portalTunnelPort }) {
  const child = spawn(
    'kubectl',
    [
      '-n',
      ns,
      'port-forward',
      '--address',
      '127.0.0.1',
      `svc/${release}-knot-portal`,
      `${portalTunnelPort}:80`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => child.kill());
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`kubectl port-forward did not start: ${output}`)),
      30_000,
    );
    child.stdout.on('data', d => {
      output += d;
      if (output.includes('Forwarding from')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on('data', d => (output += d));
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward exited (${code}): ${output}`));
    });
  });
  return child;
}

/** curl through Traefik, trusting the local CA only. */
const viaIngress = (args, opts) =>
  run(
    'curl',
    [
      '-s',
      '--cacert',
      process.env.KNOT_INGRESS_CA,
      '--connect-to',
      `::${process.env.KNOT_INGRESS_ADDRESS}`,
      ...args,
    ],
    opts,
  );

/** The body and the HTTP status of a curl run with `-w '\n%{http_code}'`. */
const answer = ({ stdout }) => {
  const end = stdout.lastIndexOf('\n');
  return { body: stdout.slice(0, end), status: Number(stdout.slice(end + 1)) };
};

/** The OIDC sign-in page of a fresh sign-in through the ingress. */
async function startSignIn({ url }, jar) {
  const login = (
    await viaIngress([
      '-c',
      jar,
      '-b',
      jar,
      '-L',
      '-o',
      '/dev/null',
      '-w',
      '%{url_effective}',
      `${url}/api/auth/oidc/start?env=production&origin=${url}&flow=redirect&redirectUrl=${url}/`,
    ])
  ).stdout;
  const uid = login.match(/\/interaction\/([^/?]+)$/)?.[1];
  assert.ok(uid, login);
  return uid;
}

/** A user's sign-up on Knot's sign-in page, through the ingress. */
async function signUp(install, username, password) {
  const jar = join(install.storage, `signup-${username}`);
  const uid = await startSignIn(install, jar);
  const created = await viaIngress([
    '-c',
    jar,
    '-b',
    jar,
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '--data-urlencode',
    `username=${username}`,
    '--data-urlencode',
    `email=${username}@example.org`,
    '--data-urlencode',
    `password=${password}`,
    `${install.url}/api/knot/oidc/interaction/${uid}/signup`,
  ]);
  assert.equal(created.stdout, '201', `sign-up of ${username}`);
}

/**
 * The first admin's OIDC sign-in through the ingress, with the password the
 * chart generated: the cookie jar and the Backstage session it holds.
 */
async function signInAdmin(install) {
  const { ns, release } = install;
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
  return { password, ...(await signIn(install, 'admin', password)) };
}

/**
 * A user's OIDC sign-in through the ingress (the portal calling its own
 * public URL for the token): the cookie jar and the Backstage session.
 */
async function signIn({ storage, url }, username, password) {
  const jar = join(storage, `cookies-${username}`);
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
  const uid = await startSignIn({ url }, jar);
  const back = (
    await viaIngress([
      ...withJar,
      '--data-urlencode',
      `username=${username}`,
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
    `user:default/${username}`,
  );
  return { jar, session };
}

test(
  "knot chart: helm install from the built images, admin sign-in through the ingress, a user deploys Hello Kubernetes with the webhook's injections and forward-auth, upgrade and uninstall keep user namespaces",
  {
    skip: skipUnlessInstall,
  },
  async t => {
    // The user who deploys, and another one who must not get in.
    const suffix = randomBytes(2).toString('hex');
    const owner = `ann${suffix}`;
    const other = `bob${suffix}`;
    const install = await prepareInstall(t, { profiles: [owner, other] });
    const { ns, release, prefix, domain, ingressPort, url, values } = install;
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

    // The owner's namespace (made on approval) will run its pods on the
    // real node: the cluster's policy, bound to it for this test, early
    // (a new binding takes a moment to apply).
    const ownerNs = `${prefix}${owner}`;
    const binding = `${release}-real-node`;
    t.after(() =>
      kubectl(
        [
          'delete',
          'mutatingadmissionpolicybinding',
          binding,
          '--ignore-not-found',
        ],
        { allowFail: true },
      ),
    );
    await kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingAdmissionPolicyBinding',
        metadata: { name: binding },
        spec: {
          policyName: 'knot-real-node',
          matchResources: {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': ownerNs },
            },
          },
        },
      }),
    });
    const pods = await livePods(ns, release);
    const byComponent = c =>
      pods.filter(p => p.metadata.labels['app.kubernetes.io/component'] === c);
    assert.equal(byComponent('portal').length, 1);
    assert.equal(byComponent('webhook').length, 2);
    for (const p of pods) {
      assert.equal(p.spec.nodeName, 'real-node', p.metadata.name);
      assert.equal(p.status.phase, 'Running', p.metadata.name);
    }

    // Through Traefik, then the OIDC sign-in of the first admin.
    const index = await viaIngress(['-w', '\n%{http_code}', `${url}/`]);
    assert.match(index.stdout, /<title>Knot/);
    assert.match(index.stdout, /\n200$/);
    const { password, session: admin } = await signInAdmin(install);

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
    const adminToken = admin.backstageIdentity.token;

    // Two users sign up on Knot's sign-in page; the admin approves them
    // through the portal's API (what the Admin page calls).
    const passwords = {
      [owner]: randomBytes(12).toString('hex'),
      [other]: randomBytes(12).toString('hex'),
    };
    for (const user of [owner, other]) {
      await signUp(install, user, passwords[user]);
      const approved = answer(
        await viaIngress([
          '-X',
          'PATCH',
          '-H',
          `Authorization: Bearer ${adminToken}`,
          '-H',
          'Content-Type: application/json',
          '-d',
          '{"active":true}',
          '-w',
          '\n%{http_code}',
          `${url}/api/knot/users/${user}`,
        ]),
      );
      assert.equal(approved.status, 200, approved.body);
      assert.equal(JSON.parse(approved.body).active, true);
    }
    const ownerSession = await signIn(install, owner, passwords[owner]);
    const otherSession = await signIn(install, other, passwords[other]);
    const ownerToken = ownerSession.session.backstageIdentity.token;

    await waitFor(
      `the volumes of ${ownerNs} bound`,
      async () => {
        const claims = await kubectlJson(['-n', ownerNs, 'get', 'pvc']);
        const bound = claims.items
          .filter(c => c.status.phase === 'Bound')
          .map(c => c.metadata.name)
          .sort();
        if (bound.join() !== 'knot-private,knot-shared') {
          throw new Error(`bound claims: ${bound.join() || 'none'}`);
        }
        return claims.items.map(c => c.spec.volumeName).sort();
      },
      90_000,
      1000,
    ).then(volumes =>
      // PV names carry this installation's prefix (the clean-up's names).
      assert.deepEqual(volumes, [
        `${prefix}private-${owner}`,
        `${prefix}shared-${owner}`,
      ]),
    );
    await waitFor(
      `pods of ${ownerNs} sent to the real node`,
      async () => {
        const pod = JSON.parse(
          await kubectl(
            [
              '-n',
              ownerNs,
              'create',
              '--dry-run=server',
              '-o',
              'json',
              '-f',
              '-',
            ],
            {
              input: JSON.stringify({
                apiVersion: 'v1',
                kind: 'Pod',
                metadata: { name: 'probe' },
                spec: {
                  containers: [
                    {
                      name: 'probe',
                      image: 'registry.knot.internal/knot/pause:1.0.0',
                    },
                  ],
                },
              }),
            },
          ),
        );
        return pod.spec.nodeSelector?.['knot.dev/node'] === 'real';
      },
      30_000,
      1000,
    );

    // A file the owner uploads through the portal, to be seen inside the
    // service's container.
    const uploaded = answer(
      await viaIngress([
        '-X',
        'PUT',
        '-H',
        `Authorization: Bearer ${ownerToken}`,
        '--data-binary',
        'uploaded through the portal',
        '-w',
        '\n%{http_code}',
        `${url}/api/knot/files/private/file?path=from-the-portal.txt`,
      ]),
    );
    assert.equal(uploaded.status, 200, uploaded.body);

    // Hello Kubernetes through the portal's install route (the Create
    // page's call): helm runs in the portal as its ServiceAccount.
    const deployed = answer(
      await viaIngress(
        [
          '-X',
          'POST',
          '-H',
          `Authorization: Bearer ${ownerToken}`,
          '-H',
          'Content-Type: application/json',
          '-d',
          JSON.stringify({
            chart: 'hello-kubernetes',
            name: 'hello',
            values: { message: `Hello from ${owner}` },
          }),
          '--max-time',
          '300',
          '-w',
          '\n%{http_code}',
          `${url}/api/knot/services`,
        ],
        { timeout: 320_000 },
      ),
    );
    assert.equal(deployed.status, 200, deployed.body);
    const events = deployed.body
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line));
    const result = events.at(-1);
    assert.equal(result.type, 'result', deployed.body);
    const helloHost = `hello-${owner}.${domain}`;
    const helloUrl = `https://${helloHost}:${ingressPort}/`;
    assert.equal(result.result.url, helloUrl);
    assert.equal(result.result.namespace, ownerNs);

    // The pod runs on the real node; in its running container (the
    // process's own environment and mounts, read on the node: the hello
    // image is one static binary, no shell for kubectl exec) the webhook's
    // KNOT_* variables and the data domains.
    const pod = await waitFor(
      `hello running in ${ownerNs}`,
      async () => {
        const items = (
          await kubectlJson([
            '-n',
            ownerNs,
            'get',
            'pods',
            '-l',
            'app.kubernetes.io/instance=hello',
          ])
        ).items;
        const ready = items.find(p =>
          p.status.conditions?.some(
            c => c.type === 'Ready' && c.status === 'True',
          ),
        );
        if (!ready) {
          throw new Error(
            JSON.stringify(items.map(p => p.status.containerStatuses ?? [])),
          );
        }
        return ready;
      },
      180_000,
      1000,
    );
    assert.equal(pod.spec.nodeName, 'real-node');
    const containerId = pod.status.containerStatuses[0].containerID.replace(
      /^[a-z]+:\/\//,
      '',
    );
    const { pid } = JSON.parse(
      (await run('crictl', ['inspect', containerId])).stdout,
    ).info;
    const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split(
      '\0',
    );
    for (const variable of [
      `KNOT_USERNAME=${owner}`,
      `KNOT_NAMESPACE=${ownerNs}`,
      `KNOT_INGRESS_URL=${url}`,
      'KNOT_PRIVATE_DIR=/private',
      'KNOT_SHARED_DIR=/shared',
    ]) {
      assert.ok(environment.includes(variable), `${variable} in the container`);
    }
    // mountinfo: the mount point is the 5th field.
    const mountPoints = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
      .split('\n')
      .map(line => line.split(' ')[4]);
    assert.ok(mountPoints.includes('/private'), '/private mounted');
    assert.ok(mountPoints.includes('/shared'), '/shared mounted');

    // Through Traefik, with the certificate for *.<domain>, behind the
    // portal's forward-auth (reached through the tunnel): the owner gets
    // hello's page, listing the uploaded file in /private.
    let tunnel = await portalTunnel(t, install);
    const service = (jar, ...args) =>
      viaIngress([
        ...(jar ? ['-b', jar] : []),
        '-w',
        '\n%{http_code}',
        ...args,
        helloUrl,
      ]).then(answer);
    // The portal's call after sign-in: the session cookie for *.<domain>.
    for (const { jar, session } of [ownerSession, otherSession]) {
      const cookie = answer(
        await viaIngress([
          '-c',
          jar,
          '-b',
          jar,
          '-X',
          'POST',
          '-H',
          `Authorization: Bearer ${session.backstageIdentity.token}`,
          '-H',
          'Content-Type: application/json',
          '-d',
          '{}',
          '-w',
          '\n%{http_code}',
          `${url}/api/knot/forward-auth/session`,
        ]),
      );
      assert.equal(cookie.status, 200, cookie.body);
    }
    // Hello's page for its owner, once the ingress and forward-auth answer.
    const ownerPage = what =>
      waitFor(
        what,
        async () => {
          const res = await service(ownerSession.jar);
          if (res.status !== 200) throw new Error(`${res.status} ${res.body}`);
          return res;
        },
        60_000,
        1000,
      );
    const page = await ownerPage("hello's page through the ingress");
    assert.match(
      page.body,
      new RegExp(`<h1 id="message">Hello from ${owner}</h1>`),
    );
    assert.match(
      page.body,
      new RegExp(`signed in as <b id="user">${owner}</b>`),
    );
    assert.match(page.body, /from-the-portal\.txt/);
    // Another signed-in user: refused; anonymous: sent to the sign-in page
    // with the way back.
    const refused = await service(otherSession.jar);
    assert.equal(refused.status, 403, refused.body);
    assert.doesNotMatch(refused.body, /Hello from/);
    const anonymous = await service(undefined, '-o', '/dev/null', '-D', '-');
    assert.equal(anonymous.status, 302);
    const location = new URL(
      anonymous.body.match(/^location: (.*?)\r?$/im)?.[1] ?? '',
      url,
    );
    assert.equal(location.origin, new URL(url).origin);
    assert.equal(
      new URL(location.searchParams.get('rd')).host,
      `${helloHost}:${ingressPort}`,
    );

    // Least privilege covers all the portal did so far (provisioning, the
    // catalog's service entities, sign-in, the user's helm install): no API
    // call was refused.
    const logs = await kubectl([
      '-n',
      ns,
      'logs',
      `deploy/${release}-knot-portal`,
    ]);
    assert.doesNotMatch(logs, /is forbidden/);

    // Upgrade to a new image: the built one with one more label (another
    // digest, as a release would be), and a changed config. The portal
    // rolls onto it and keeps users (the owner's session and token still
    // answer), files and services (hello through the ingress); then the
    // password; uninstall removes Knot's objects, keeps them all.
    const appVersion = readFileSync(join(chart, 'Chart.yaml'), 'utf8').match(
      /^appVersion:\s*['"]?([^'"\s]+)/m,
    )[1];
    const imageRepo = `${process.env.KNOT_IMAGE_REGISTRY_ADDRESS}/knot/knot-portal`;
    const upgradeTag = `${appVersion}-upgrade-${release}`;
    const upgradeRef = (
      await run('crane', [
        'mutate',
        '--insecure',
        `${imageRepo}:${appVersion}`,
        '--label',
        `knot.test/upgrade=${release}`,
        '-t',
        `${imageRepo}:${upgradeTag}`,
      ])
    ).stdout.trim();
    t.after(() =>
      run('crane', ['delete', '--insecure', upgradeRef], { allowFail: true }),
    );
    const upgradeDigest = upgradeRef.split('@')[1];
    assert.match(upgradeDigest, /^sha256:/, upgradeRef);
    tunnel.kill();
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
        '--set',
        `portal.image.tag=${upgradeTag}`,
        '--wait',
        '--timeout',
        '300s',
      ],
      {
        input: JSON.stringify(values),
        timeout: 320_000,
      },
    );
    const upgraded = await waitFor(
      'the portal on the new image',
      async () => {
        const pods = await livePods(ns, release, 'portal');
        const ready = pods.filter(p =>
          p.status.containerStatuses?.every(c => c.ready),
        );
        if (pods.length !== 1 || ready.length !== 1) return undefined;
        return ready[0];
      },
      120_000,
      1000,
    );
    assert.ok(
      upgraded.status.containerStatuses[0].imageID.endsWith(upgradeDigest),
      `${upgraded.status.containerStatuses[0].imageID} is ${upgradeDigest}`,
    );
    tunnel = await portalTunnel(t, install);
    const kept = answer(
      await viaIngress([
        '-H',
        `Authorization: Bearer ${ownerSession.session.backstageIdentity.token}`,
        '-w',
        '\n%{http_code}',
        `${url}/api/knot/files/private/list?path=`,
      ]),
    );
    assert.equal(kept.status, 200, kept.body);
    assert.match(kept.body, /from-the-portal\.txt/);
    const stillThere = await ownerPage("hello's page after the upgrade");
    assert.match(stillThere.body, /from-the-portal\.txt/);
    assert.equal((await service(otherSession.jar)).status, 403);
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
    // The user's service and files stay.
    await kubectl(['-n', ownerNs, 'get', 'deployment', 'hello']);
    assert.equal(
      readFileSync(
        join(
          install.storage,
          'storage',
          'private',
          owner,
          'from-the-portal.txt',
        ),
        'utf8',
      ),
      'uploaded through the portal',
    );
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
      const pods = await run(
        'kubectl',
        ['-n', ns, 'get', 'pods', '-o', 'wide'],
        {
          allowFail: true,
        },
      );
      const logs = await run(
        'kubectl',
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
      (await livePods(ns, release, 'portal')).filter(p =>
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

    // Users keep reading through the ingress while replica A is told to
    // stop: every request is answered (A keeps answering for its shutdown
    // delay while the ingress learns it is gone, then finishes what it
    // holds), none fails.
    const readByUser = () =>
      viaIngress([
        '-H',
        `Authorization: Bearer ${token}`,
        '-w',
        '\n%{http_code}',
        `${url}/api/knot/files/private/download?path=replicas.txt`,
      ]).then(r => r.stdout.split('\n').at(-1));
    const statuses = [];
    const times = [];
    let deletedAt = Date.now() + 1000;
    let reading = true;
    const readers = [0, 1].map(async () => {
      while (reading) {
        const sent = Date.now();
        statuses.push(await readByUser());
        times.push(`${sent - deletedAt}..${Date.now() - deletedAt}`);
      }
    });
    await new Promise(resolve => setTimeout(resolve, 1000));

    // Replica A goes away mid-session: through the ingress the session
    // refreshes (kept in PostgreSQL) and the file is there.
    deletedAt = Date.now();
    await kubectl(['-n', ns, 'delete', 'pod', a.metadata.name, '--wait=false']);
    // Out of the Service's endpoints (what the ingress routes to), not
    // only marked for deletion.
    await waitFor(
      'replica A out of the Service',
      async () => {
        const slices = await kubectlJson([
          '-n',
          ns,
          'get',
          'endpointslices',
          '-l',
          `kubernetes.io/service-name=${release}-knot-portal`,
        ]);
        return !slices.items.some(slice =>
          (slice.endpoints ?? []).some(e =>
            e.addresses.includes(a.status.podIP),
          ),
        );
      },
      90_000,
      1000,
    );
    const outOfService = Date.now() - deletedAt;
    // Past the ingress's own view of the endpoints and A's exit.
    await new Promise(resolve => setTimeout(resolve, 8000));
    reading = false;
    await Promise.all(readers);
    assert.ok(statuses.length > 10, `only ${statuses.length} reads`);
    assert.deepEqual(
      statuses.filter(status => status !== '200'),
      [],
      `${
        statuses.length
      } reads while replica A stopped (out of the Service ${outOfService} ms after the delete); ms after the delete: ${statuses
        .map((status, i) => (status === '200' ? '' : `${status} ${times[i]}`))
        .filter(Boolean)
        .join(', ')}`,
    );
    t.diagnostic(
      `replica A stopped: ${statuses.length} reads through the ingress, all 200; out of the Service ${outOfService} ms after the delete`,
    );
    const refresh = await viaIngress([
      '-b',
      jar,
      '-H',
      'X-Requested-With: XMLHttpRequest',
      `${url}/api/auth/oidc/refresh?env=production`,
    ]);
    const refreshed = JSON.parse(refresh.stdout);
    assert.equal(
      refreshed.backstageIdentity?.identity.userEntityRef,
      'user:default/admin',
      refresh.stdout,
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

    // uninstall.deleteUserData: `helm uninstall` also deletes the profile
    // namespaces, their PVs and the data (its pre-delete hook), and still
    // keeps the database's Secret.
    await helm(
      [
        'upgrade',
        release,
        chart,
        '-n',
        ns,
        '--reuse-values',
        '--set',
        'uninstall.deleteUserData=true',
      ],
      { timeout: 320_000 },
    );
    const adminData = join(install.storage, 'storage', 'private', 'admin');
    assert.ok(existsSync(join(adminData, 'replicas.txt')));
    const adminVolumes = async () =>
      (
        await kubectlJson([
          'get',
          'pv',
          '-l',
          'app.kubernetes.io/managed-by=knot',
        ])
      ).items
        .filter(pv => pv.spec.claimRef?.namespace === `${install.prefix}admin`)
        .map(pv => pv.metadata.name);
    assert.equal((await adminVolumes()).length, 2);
    await helm(
      ['uninstall', release, '-n', ns, '--wait', '--timeout', '300s'],
      {
        timeout: 320_000,
      },
    );
    const namespace = await kubectl([
      'get',
      'namespace',
      `${install.prefix}admin`,
      '--ignore-not-found',
    ]);
    assert.equal(namespace.trim(), '');
    // PVs go once their claims went with the namespace (pv-protection).
    await waitFor(
      "the admin's PVs gone",
      async () => (await adminVolumes()).length === 0,
      60_000,
      1000,
    );
    assert.equal(existsSync(adminData), false);
    const hookObjects = await kubectl([
      '-n',
      ns,
      'get',
      'job,serviceaccount,configmap',
      '-l',
      'app.kubernetes.io/component=uninstall',
      '-o',
      'name',
    ]);
    assert.equal(hookObjects.trim(), '');
    await kubectl([
      '-n',
      ns,
      'get',
      'secret',
      `${release}-knot-portal-secrets`,
    ]);
  },
);
