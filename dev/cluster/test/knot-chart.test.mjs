// Knot's Helm chart (deploy/helm/knot) against the real API server: lint,
// server-side dry-runs of the rendered chart, and the portal's permissions
// asked of the authorizer (SubjectAccessReview) and exercised with the
// portal ServiceAccount's own token (RBAC + the scope policy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  clusterEndpoint,
  freshNamespace,
  kubectl,
  request,
  run,
  testDir,
  uniqueName,
  waitFor,
} from './lib.mjs';

const chart = join(testDir, '..', '..', '..', 'deploy', 'helm', 'knot');
const allOptions = join(chart, 'ci', 'all-options-values.yaml');
const helm = (args, opts) => run('helm', args, opts);

async function kubeVersion() {
  const v = JSON.parse(await kubectl(['version', '-o', 'json']));
  return v.serverVersion.gitVersion.replace(/^v/, '');
}

/** Templates of the chart rendered together, with more `helm` arguments. */
async function renderTemplates(templates, args = []) {
  const { stdout } = await helm([
    'template',
    'knot',
    chart,
    '-n',
    'knot',
    '--kube-version',
    await kubeVersion(),
    ...templates.flatMap(t => ['--show-only', `templates/${t}`]),
    ...args,
  ]);
  return stdout;
}

/** One template of the chart, rendered with `--set` values. */
function renderTemplate(template, ...set) {
  return renderTemplates(
    [template],
    set.flatMap(value => ['--set', value]),
  );
}

// Objects of APIs this cluster does not serve (cert-manager's CRDs).
const CERT_MANAGER = /^apiVersion: cert-manager\.io\//m;

for (const [name, values] of [
  ['default values', []],
  ['every option set', ['-f', allOptions]],
]) {
  test(`knot chart: helm lint and a server-side dry-run with ${name}`, async t => {
    const ns = await freshNamespace(t, 'chart');
    const version = await kubeVersion();
    const lint = await helm([
      'lint',
      chart,
      '--strict',
      '--kube-version',
      version,
      ...values,
    ]);
    assert.match(lint.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);

    const rendered = (
      await helm([
        'template',
        'knot',
        chart,
        '-n',
        ns,
        '--kube-version',
        version,
        ...values,
        // The test namespaces are knot-t-*, under the default profile
        // prefix, where the chart refuses to install.
        ...(values.length ? [] : ['--set', 'knot.namespacePrefix=knot-p-']),
      ])
    ).stdout;
    const docs = rendered.split(/^---$/m).filter(d => /^kind:/m.test(d));
    const served = docs.filter(d => !CERT_MANAGER.test(d));
    const skipped = docs.filter(d => CERT_MANAGER.test(d));
    // Only the webhook's cert-manager option renders cert-manager objects.
    assert.equal(skipped.length, values.length ? 4 : 0);
    const out = await kubectl(
      ['apply', '--dry-run=server', '-o', 'name', '-f', '-'],
      { input: served.join('\n---\n') },
    );
    const applied = out.trim().split('\n');
    assert.equal(applied.length, served.length, out);
    for (const kind of [
      'deployment.apps/knot-portal',
      'deployment.apps/knot-webhook',
      'poddisruptionbudget.policy/knot-webhook',
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/knot-webhook',
      'validatingwebhookconfiguration.admissionregistration.k8s.io/knot-webhook',
      'validatingadmissionpolicy.admissionregistration.k8s.io/knot-portal-scope',
      'clusterrole.rbac.authorization.k8s.io/knot-portal',
    ]) {
      assert.ok(applied.includes(kind), `${kind} in ${out}`);
    }
    // uninstall.deleteUserData's hook Job: only when set (all options).
    assert.equal(
      applied.includes('job.batch/knot-uninstall'),
      values.length > 0,
      out,
    );
    // No `*` in any rule, timeouts within 3 s, secrets never in ConfigMaps.
    assert.doesNotMatch(rendered, /(verbs|resources|apiGroups):.*"\*"/);
    for (const m of rendered.matchAll(/timeoutSeconds: (\d+)/g)) {
      assert.ok(Number(m[1]) <= 3, m[0]);
    }
    assert.doesNotMatch(rendered, /kind: ConfigMap[\s\S]*?password: [^$\s]/);
  });
}

test('knot chart: values the schema or the chart refuse', async () => {
  const version = await kubeVersion();
  for (const [set, message] of [
    [['--set', 'webhook.timeoutSeconds=10'], /timeoutSeconds/],
    [['--set', 'portal.replicas=2'], /needs database.type=postgres/],
    [['--set', 'storage.type=tmpfs'], /storage.type/],
    [['--set', 'knot.namespacePrefix=Bad_'], /namespacePrefix/],
    // The portal writes in every <prefix>* namespace: not its own.
    [['-n', 'knot-system'], /outside knot-\* .*not 'knot-system'/],
  ]) {
    const r = await helm(
      ['template', 'knot', chart, '--kube-version', version, ...set],
      { allowFail: true },
    );
    assert.notEqual(r.code, 0, `${set.join(' ')} was accepted`);
    assert.match(r.stderr, message);
  }
});

// The README's permission table: [group, resource, resourceName, verbs].
function readmeRules() {
  const text = readFileSync(join(chart, 'README.md'), 'utf8');
  const table = text.split('<!-- portal-rbac:')[1].split('\n\n')[1];
  return table
    .split('\n')
    .slice(2)
    .map(row => row.split('|').map(c => c.trim()))
    .map(([, group, resource, verbs]) => {
      const [res, name] = resource.split('/');
      return {
        group: group === 'core' ? '' : group,
        resource: res,
        name,
        verbs: verbs.split(',').map(v => v.trim()),
      };
    });
}

const VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
];
// Subresources and special verbs that grant more than their resource.
const SPECIAL = [
  ['', 'pods', 'exec', 'create'],
  ['', 'pods', 'attach', 'create'],
  ['', 'pods', 'portforward', 'create'],
  ['', 'pods', 'ephemeralcontainers', 'patch'],
  ['', 'pods', 'log', 'get'],
  ['', 'serviceaccounts', 'token', 'create'],
  ['', 'services', 'proxy', 'get'],
  ['', 'nodes', 'proxy', 'get'],
  ['apps', 'deployments', 'scale', 'patch'],
  ['', 'users', '', 'impersonate'],
  ['', 'groups', '', 'impersonate'],
  ['', 'serviceaccounts', '', 'impersonate'],
  ['rbac.authorization.k8s.io', 'clusterroles', '', 'bind'],
  ['rbac.authorization.k8s.io', 'clusterroles', '', 'escalate'],
  ['rbac.authorization.k8s.io', 'roles', '', 'bind'],
  ['rbac.authorization.k8s.io', 'roles', '', 'escalate'],
  ['certificates.k8s.io', 'signers', '', 'approve'],
  ['certificates.k8s.io', 'signers', '', 'sign'],
];

async function apiResources(namespaced) {
  const out = await kubectl([
    'api-resources',
    `--namespaced=${namespaced}`,
    '-o',
    'name',
  ]);
  return out
    .trim()
    .split('\n')
    .map(n => {
      const [resource, ...group] = n.split('.');
      return { resource, group: group.join('.') };
    });
}

// One SubjectAccessReview per attribute set, all through one kubectl.
async function allowed(user, ns, attributes) {
  const groups = [
    'system:serviceaccounts',
    `system:serviceaccounts:${ns}`,
    'system:authenticated',
  ];
  const items = attributes.map(resourceAttributes => ({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user, groups, resourceAttributes },
  }));
  // One JSON document per review, printed one after the other.
  const out = await kubectl(['create', '-o', 'json', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  });
  const list = out
    .trim()
    .split(/\n(?=\{)/)
    .map(doc => JSON.parse(doc));
  assert.equal(list.length, items.length);
  return new Set(
    list
      .filter(r => r.status.allowed)
      .map(r => {
        const a = r.spec.resourceAttributes;
        return [
          a.namespace ?? '',
          a.group ?? '',
          a.resource,
          a.subresource ?? '',
          a.name ?? '',
          a.verb,
        ].join('|');
      }),
  );
}

test('knot chart: the portal ServiceAccount has exactly the README permissions', async t => {
  const ns = await freshNamespace(t, 'rbac');
  const release = uniqueName('kt');
  const prefix = `${release}-`;
  const portal = `${release}-knot-portal`;
  const version = await kubeVersion();
  const rbac = (
    await helm([
      'template',
      release,
      chart,
      '-n',
      ns,
      '--kube-version',
      version,
      '--set',
      `knot.namespacePrefix=${prefix}`,
      '--show-only',
      'templates/portal-rbac.yaml',
      '--show-only',
      'templates/portal-scope-policy.yaml',
    ])
  ).stdout;
  t.after(() =>
    kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], {
      input: rbac,
      allowFail: true,
    }),
  );
  await kubectl(['apply', '-f', '-'], { input: rbac });
  await kubectl(['-n', ns, 'create', 'serviceaccount', 'baseline']);

  // Every verb on every served resource, cluster-wide and in kube-system.
  const attrs = [];
  for (const { group, resource } of await apiResources(false)) {
    for (const verb of VERBS) attrs.push({ group, resource, verb });
  }
  for (const { group, resource } of await apiResources(true)) {
    for (const verb of VERBS) {
      attrs.push({ namespace: 'kube-system', group, resource, verb });
    }
  }
  for (const [group, resource, subresource, verb] of SPECIAL) {
    attrs.push({
      namespace: 'kube-system',
      group,
      resource,
      subresource,
      verb,
    });
  }
  const portalUser = `system:serviceaccount:${ns}:${portal}`;
  // What any ServiceAccount may do (discovery, self reviews) is not Knot's.
  const baseline = await allowed(
    `system:serviceaccount:${ns}:baseline`,
    ns,
    attrs,
  );
  const granted = await waitFor('the portal ClusterRoleBinding', async () => {
    const got = await allowed(portalUser, ns, attrs);
    return got.size > baseline.size ? got : false;
  });
  const extra = [...granted].filter(a => !baseline.has(a)).sort();

  const namespaced = new Set(
    (await apiResources(true)).map(r => `${r.group}|${r.resource}`),
  );
  const expected = [];
  for (const rule of readmeRules()) {
    if (rule.name) continue; // named rules: checked below
    for (const verb of rule.verbs) {
      const ns2 = namespaced.has(`${rule.group}|${rule.resource}`)
        ? 'kube-system'
        : '';
      expected.push([ns2, rule.group, rule.resource, '', '', verb].join('|'));
    }
  }
  assert.deepEqual(extra, expected.sort());
  assert.ok(attrs.length > 500, `only ${attrs.length} checks`);

  // Named, and the refusals the issue names explicitly.
  const named = await allowed(portalUser, ns, [
    {
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      name: 'admin',
      verb: 'bind',
    },
    // Team members' and viewers' bindings in team namespaces.
    ...['edit', 'view'].map(name => ({
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      name,
      verb: 'bind',
    })),
    {
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      name: 'cluster-admin',
      verb: 'bind',
    },
    { namespace: 'kube-system', group: '', resource: 'secrets', verb: 'get' },
    { namespace: 'kube-system', group: '', resource: 'secrets', verb: 'list' },
    {
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterrolebindings',
      verb: 'create',
    },
  ]);
  assert.deepEqual([...named].sort(), [
    '|rbac.authorization.k8s.io|clusterroles||admin|bind',
    '|rbac.authorization.k8s.io|clusterroles||edit|bind',
    '|rbac.authorization.k8s.io|clusterroles||view|bind',
  ]);

  // With its own token: the scope policy keeps the cluster-wide writes in
  // profile namespaces (RBAC alone would let it bind itself to admin in
  // kube-system), and `admin` in a profile namespace gives it Secrets there.
  const token = (
    await kubectl(['-n', ns, 'create', 'token', portal, '--duration=10m'])
  ).trim();
  const { server, ca } = await clusterEndpoint();
  const as = (method, path, body) =>
    request(method, server + path, { ca, token, body });
  const namespaceObj = name => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
  const bindAdmin = namespace => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'knot-portal', namespace },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'admin',
    },
    subjects: [{ kind: 'ServiceAccount', name: portal, namespace: ns }],
  });
  const outside = await waitFor('the scope policy', async () => {
    const r = await as(
      'POST',
      '/api/v1/namespaces?dryRun=All',
      namespaceObj(`not-${release}`),
    );
    return r.status === 403
      ? r
      : r.status === 201
      ? false
      : Promise.reject(new Error(r.text));
  });
  assert.match(
    outside.json.message,
    new RegExp(`may only manage namespaces named ${prefix}\\*`),
  );

  const profileNs = `${prefix}alice`;
  t.after(() =>
    kubectl(
      ['delete', 'namespace', profileNs, '--ignore-not-found', '--wait=false'],
      { allowFail: true },
    ),
  );
  assert.equal(
    (await as('POST', '/api/v1/namespaces', namespaceObj(profileNs))).status,
    201,
  );
  const own = await as(
    'POST',
    `/apis/rbac.authorization.k8s.io/v1/namespaces/${profileNs}/rolebindings`,
    bindAdmin(profileNs),
  );
  assert.equal(own.status, 201, own.text);
  await waitFor(
    'admin in the profile namespace',
    async () =>
      (await as('GET', `/api/v1/namespaces/${profileNs}/secrets`)).status ===
      200,
  );

  const dataset = await as(
    'POST',
    `/apis/datashim.io/v1alpha1/namespaces/${profileNs}/datasets?dryRun=All`,
    {
      apiVersion: 'datashim.io/v1alpha1',
      kind: 'Dataset',
      metadata: { name: 'x', namespace: profileNs },
      spec: { local: { type: 'COS' } },
    },
  );
  assert.equal(dataset.status, 201, dataset.text);

  for (const [path, body, why] of [
    [
      '/api/v1/namespaces/kube-system/secrets',
      undefined,
      /cannot list resource "secrets"/,
    ],
    [
      '/apis/rbac.authorization.k8s.io/v1/namespaces/kube-system/rolebindings?dryRun=All',
      bindAdmin('kube-system'),
      /may only write rolebindings in/,
    ],
    [
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?dryRun=All',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `${release}-escalate` },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'cluster-admin',
        },
        subjects: [{ kind: 'ServiceAccount', name: portal, namespace: ns }],
      },
      /cannot create resource "clusterrolebindings"/,
    ],
    [
      '/api/v1/persistentvolumes?dryRun=All',
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `${prefix}private-alice` },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteMany'],
          hostPath: { path: '/etc' },
          claimRef: { namespace: profileNs, name: 'knot-private' },
        },
      },
      /hostPath PVs under \/srv\/knot\//,
    ],
    [
      // Another installation's PV (the default prefix's name): never this
      // portal's, even claimed from one of its namespaces.
      '/api/v1/persistentvolumes?dryRun=All',
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'knot-private-alice' },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteMany'],
          hostPath: { path: '/srv/knot/private/alice' },
          claimRef: { namespace: profileNs, name: 'knot-private' },
        },
      },
      new RegExp(
        `may only manage ${prefix}private-\\*/${prefix}shared-\\* PVs`,
      ),
    ],
    [
      // Datasets (a CRD the built-in `admin` does not cover, granted
      // cluster-wide by the chart): only in profile namespaces.
      '/apis/datashim.io/v1alpha1/namespaces/kube-system/datasets?dryRun=All',
      {
        apiVersion: 'datashim.io/v1alpha1',
        kind: 'Dataset',
        metadata: { name: 'x', namespace: 'kube-system' },
        spec: { local: { type: 'COS' } },
      },
      /may only write datasets in/,
    ],
    [
      '/api/v1/namespaces/kube-system/pods',
      undefined,
      /cannot list resource "pods" .*"kube-system"|^$/,
    ],
  ]) {
    const r = await as(body ? 'POST' : 'GET', path, body);
    if (path.endsWith('/pods')) {
      // Listing pods is the Kubernetes tab's (README); creating them is not.
      assert.equal(r.status, 200, r.text);
      const create = await as('POST', `${path}?dryRun=All`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'x' },
        spec: { containers: [{ name: 'x', image: 'x' }] },
      });
      assert.equal(create.status, 403, create.text);
      continue;
    }
    assert.equal(r.status, 403, `${path}: ${r.text}`);
    assert.match(r.json.message, why);
  }
});

test("knot chart: the uninstall hook's ServiceAccount may only list and delete Knot's namespaces and PVs", async t => {
  const ns = await freshNamespace(t, 'uninstall');
  const release = uniqueName('kt');
  const prefix = `${release}-`;
  const hook = `${release}-knot-uninstall`;
  const version = await kubeVersion();
  // Its ServiceAccount, ClusterRole and binding (not the Job: it would run)
  // and the scope policy.
  const rendered = (
    await helm([
      'template',
      release,
      chart,
      '-n',
      ns,
      '--kube-version',
      version,
      '--set',
      `knot.namespacePrefix=${prefix}`,
      '--set',
      'uninstall.deleteUserData=true',
      '--show-only',
      'templates/uninstall-hook.yaml',
      '--show-only',
      'templates/portal-scope-policy.yaml',
    ])
  ).stdout
    .split(/^---$/m)
    .filter(d =>
      /^kind: (ServiceAccount|ClusterRole|ClusterRoleBinding|ValidatingAdmissionPolicy|ValidatingAdmissionPolicyBinding)$/m.test(
        d,
      ),
    )
    .join('\n---\n');
  t.after(() =>
    kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], {
      input: rendered,
      allowFail: true,
    }),
  );
  await kubectl(['apply', '-f', '-'], { input: rendered });
  const profileNs = `${prefix}alice`;
  const otherNs = `not-${release}`;
  const pv = (name, claimNamespace) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'knot' } },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteMany'],
      hostPath: { path: '/srv/knot/private/alice' },
      claimRef: { namespace: claimNamespace, name: 'knot-private' },
    },
  });
  const objects = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: profileNs } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: otherNs } },
      pv(`${prefix}private-alice`, profileNs),
      pv(`other-${release}`, otherNs),
    ],
  };
  t.after(() =>
    kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], {
      input: JSON.stringify(objects),
      allowFail: true,
    }),
  );
  await kubectl(['apply', '-f', '-'], { input: JSON.stringify(objects) });

  const token = (
    await kubectl(['-n', ns, 'create', 'token', hook, '--duration=10m'])
  ).trim();
  const { server, ca } = await clusterEndpoint();
  const as = (method, path) => request(method, server + path, { ca, token });
  // Deletes are dry runs: admission (the scope policy) still decides.
  const outside = await waitFor('the scope policy', async () => {
    const r = await as('DELETE', `/api/v1/namespaces/${otherNs}?dryRun=All`);
    return r.status === 403
      ? r
      : r.status === 200
      ? false
      : Promise.reject(new Error(r.text));
  });
  assert.match(
    outside.json.message,
    new RegExp(`may only manage namespaces named ${prefix}\\*`),
  );
  const own = await as('DELETE', `/api/v1/namespaces/${profileNs}?dryRun=All`);
  assert.equal(own.status, 200, own.text);
  const otherPv = await as(
    'DELETE',
    `/api/v1/persistentvolumes/other-${release}?dryRun=All`,
  );
  assert.equal(otherPv.status, 403, otherPv.text);
  const ownPv = await as(
    'DELETE',
    `/api/v1/persistentvolumes/${prefix}private-alice?dryRun=All`,
  );
  assert.equal(ownPv.status, 200, ownPv.text);
  // Listing is all it reads; it creates nothing and reads no Secrets.
  assert.equal((await as('GET', '/api/v1/namespaces')).status, 200);
  for (const [method, path] of [
    ['GET', `/api/v1/namespaces/${profileNs}`],
    ['POST', '/api/v1/namespaces?dryRun=All'],
    ['GET', '/api/v1/namespaces/kube-system/secrets'],
    ['GET', `/api/v1/namespaces/${profileNs}/pods`],
  ]) {
    const r = await as(method, path);
    assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
  }
});

test("knot chart: with Argo Workflows, the portal may bind the chart's Argo ClusterRole and holds no workflow rights itself", async t => {
  const ns = await freshNamespace(t, 'argo');
  const release = uniqueName('kt');
  const portal = `${release}-knot-portal`;
  const argoRole = `${release}-knot-argo-workflows`;
  const rbac = (
    await helm([
      'template',
      release,
      chart,
      '-n',
      ns,
      '--kube-version',
      await kubeVersion(),
      '--set',
      `knot.namespacePrefix=${release}-`,
      '--set',
      'knot.integrations.argoWorkflows.url=https://argo.example',
      '--set',
      'knot.integrations.argoWorkflows.oidc.existingSecret=argo-oidc',
      '--show-only',
      'templates/portal-rbac.yaml',
    ])
  ).stdout;
  t.after(() =>
    kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], {
      input: rbac,
      allowFail: true,
    }),
  );
  await kubectl(['apply', '-f', '-'], { input: rbac });
  const bind = name => ({
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterroles',
    name,
    verb: 'bind',
  });
  const workflows = (verb, namespace) => ({
    namespace,
    group: 'argoproj.io',
    resource: 'workflows',
    verb,
  });
  const checks = [
    bind(argoRole),
    bind('cluster-admin'),
    bind('argo-aggregate-to-admin'),
    ...['create', 'list', 'delete'].flatMap(verb => [
      workflows(verb, 'kube-system'),
      workflows(verb, `${release}-alice`),
      workflows(verb, undefined),
    ]),
    {
      group: 'rbac.authorization.k8s.io',
      resource: 'roles',
      namespace: 'kube-system',
      verb: 'create',
    },
    {
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      verb: 'escalate',
    },
  ];
  const granted = await waitFor('the portal ClusterRoleBinding', async () => {
    const got = await allowed(
      `system:serviceaccount:${ns}:${portal}`,
      ns,
      checks,
    );
    return got.size > 0 ? got : false;
  });
  assert.deepEqual(
    [...granted],
    [`|rbac.authorization.k8s.io|clusterroles||${argoRole}|bind`],
  );
});

test('knot chart: its appVersion is the tag dev/images/build.sh gives both images', () => {
  const images = readFileSync(
    join(testDir, '..', '..', 'images', 'images.env'),
    'utf8',
  );
  const appVersion = readFileSync(join(chart, 'Chart.yaml'), 'utf8').match(
    /^appVersion: ['"]?([^'"\n]+)/m,
  )[1];
  for (const image of ['knot-webhook', 'knot-portal']) {
    const tag = images.match(
      new RegExp(`^IMAGE_${image.replace('-', '_')}=.*:(.+)$`, 'm'),
    )[1];
    assert.equal(tag, appVersion, image);
  }
});

test('knot chart: the default installation carries no development profile, admin or sign-in', async () => {
  // Issue 13 item 4: what productionConfig.test.ts checks for the
  // app-config stack, here for the configuration the chart renders.
  const rendered = await renderTemplate('portal-config.yaml');
  assert.match(rendered, /environment: production/);
  assert.doesNotMatch(rendered, /\bguest\b/i);
  assert.match(rendered, /\n\s+admins: \[\]\n/);
  // The one sign-in provider is Knot's own OIDC.
  assert.match(rendered, /\n(\s+)providers:\n\1 {2}oidc:\n/);
  assert.doesNotMatch(
    rendered,
    /\n\s+(guest|github|gitlab|google|microsoft|okta):\n/,
  );
  // No secret value in the ConfigMap: every secret is a ${VAR} from a Secret.
  for (const [, key, value] of rendered.matchAll(
    /\n\s*(clientSecret|secret|password): (.*)/g,
  )) {
    assert.match(value, /^\$\{[A-Z0-9_]+\}$/, `${key}: ${value}`);
  }
});

test("knot chart: the registry route's auth-url carries the key the portal reads from its Secret, and the ConfigMap holds no key", async () => {
  // push-auth answers Knot's registry credentials to the holder of the key
  // only; the route (ingress-nginx's auth-url) and the portal must agree
  // on it within one render.
  const stdout = await renderTemplates(
    [
      'portal-secret.yaml',
      'registry-route-ingress.yaml',
      'portal-config.yaml',
      'portal-deployment.yaml',
    ],
    ['-f', allOptions],
  );
  const secret = /\n\s+push-auth-key: (\S+)/.exec(stdout)?.[1];
  assert.ok(secret, 'the Secret has push-auth-key');
  const key = Buffer.from(secret, 'base64').toString();
  assert.ok(key.length >= 32, key);
  const authUrl = /auth-url: "([^"]+)"/.exec(stdout)?.[1];
  assert.equal(
    authUrl,
    `http://knot-portal.knot.svc:8080/api/knot/images/push-auth?key=${key}`,
  );
  assert.match(stdout, /\n\s+pushAuthKey: \$\{KNOT_PUSH_AUTH_KEY\}\n/);
  assert.match(
    stdout,
    /- name: KNOT_PUSH_AUTH_KEY\n\s+valueFrom: \{ secretKeyRef: \{ name: knot-portal-secrets, key: push-auth-key \} \}/,
  );
  // The ConfigMap names the variable, never the key.
  const config = stdout.split(/^---$/m).find(d => /kind: ConfigMap/.test(d));
  assert.ok(!config.includes(key));
});

test('knot chart: a stopping replica of the portal or the webhook keeps answering for its shutdown delay, within its grace period', async () => {
  const grace = text =>
    Number(/terminationGracePeriodSeconds: (\d+)/.exec(text)?.[1]);

  // Backstage waits serverShutdownDelay (readiness already 503) before it
  // stops listening and finishes requests in flight.
  assert.match(
    await renderTemplate('portal-config.yaml'),
    /\n\s+lifecycle:\n\s+serverShutdownDelay:\n\s+seconds: 10\n/,
  );
  assert.equal(grace(await renderTemplate('portal-deployment.yaml')), 40);
  assert.match(
    await renderTemplate(
      'webhook-config.yaml',
      'webhook.shutdownDelaySeconds=8',
    ),
    /\n\s+shutdownDelayMs: 8000\n/,
  );
  assert.equal(
    grace(
      await renderTemplate(
        'webhook-deployment.yaml',
        'webhook.shutdownDelaySeconds=8',
      ),
    ),
    23,
  );
  // More than a minute would hold a node drain for nothing.
  await assert.rejects(
    renderTemplate('portal-deployment.yaml', 'portal.shutdownDelaySeconds=61'),
    /shutdownDelaySeconds/,
  );
});
