// Helm against the API server, including Chart.yaml `kubeVersion` checks,
// which rely on the apiserver reporting its real version (ldflags stamping).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freshNamespace,
  kubectl,
  kubectlJson,
  run,
  testDir,
  versions,
} from './lib.mjs';

const chart = join(testDir, 'fixtures', 'tiny-chart');
const helm = (args, opts) => run('helm', args, opts);

test('the API server reports the pinned Kubernetes version', async () => {
  const v = JSON.parse(await kubectl(['version', '-o', 'json']));
  assert.equal(v.serverVersion.gitVersion, versions.KUBE_VERSION);
  assert.equal(
    `v${v.serverVersion.major}.${v.serverVersion.minor}`,
    versions.KUBE_VERSION.replace(/\.\d+$/, ''),
  );
});

test('helm install / list / uninstall of tiny-chart', async t => {
  const ns = await freshNamespace(t, 'helm');
  await helm([
    'install',
    'tiny',
    chart,
    '-n',
    ns,
    '--set',
    'greeting=hello-knot',
    '--wait',
    '--timeout',
    '60s',
  ]);

  const list = JSON.parse(
    (await helm(['list', '-n', ns, '-o', 'json'])).stdout,
  );
  assert.equal(list.length, 1);
  assert.equal(list[0].name, 'tiny');
  assert.equal(list[0].status, 'deployed');
  assert.equal(list[0].chart, 'tiny-chart-0.1.0');

  const cm = await kubectlJson([
    '-n',
    ns,
    'get',
    'configmap',
    'tiny-tiny-chart',
  ]);
  assert.equal(cm.data.greeting, 'hello-knot');
  assert.equal(cm.metadata.labels['app.kubernetes.io/managed-by'], 'Helm');

  await helm(['uninstall', 'tiny', '-n', ns, '--wait']);
  assert.deepEqual(
    JSON.parse((await helm(['list', '-n', ns, '-o', 'json'])).stdout),
    [],
  );
  const gone = await kubectl(
    ['-n', ns, 'get', 'configmap', 'tiny-tiny-chart'],
    { allowFail: true },
  );
  assert.equal(gone, '');
});

test('helm refuses a chart whose kubeVersion excludes the server', async t => {
  const ns = await freshNamespace(t, 'helmver');
  const dir = mkdtempSync(join(tmpdir(), 'knot-chart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(chart, dir, { recursive: true });
  const chartYaml = join(dir, 'Chart.yaml');
  writeFileSync(
    chartYaml,
    readFileSync(chartYaml, 'utf8').replace(
      /^kubeVersion:.*$/m,
      'kubeVersion: "<1.20.0-0"',
    ),
  );
  const res = await helm(['install', 'old', dir, '-n', ns], {
    allowFail: true,
  });
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /incompatible with Kubernetes v\d+\.\d+/);
});
