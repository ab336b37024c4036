// The bundled charts (charts/*) default to the images dev/images/build.sh
// builds, and run as they are on the real node: the node pulls the images
// from the local registry, Traefik routes their Ingress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  clusterDir,
  livePods,
  run,
  uniqueName,
  versions,
  waitFor,
} from './lib.mjs';
import {
  NODE_NAME,
  imageRef,
  ingress,
  needsRealNode,
  realNamespace,
  routed,
  runningPod,
  viaIngress,
} from './real.mjs';

const chartsDir = join(clusterDir, '..', '..', 'charts');
const charts = [
  ['hello-kubernetes', 'hello'],
  ['jupyter-notebook', 'jupyter'],
  ['file-browser', 'filebrowser'],
];

test('the bundled charts default to the locally built images', async () => {
  for (const [chart, image] of charts) {
    const { stdout } = await run('helm', [
      'template',
      'x',
      join(chartsDir, chart),
      '--kube-version',
      versions.KUBE_VERSION,
    ]);
    const images = [...stdout.matchAll(/^\s*image: "?([^"\s]+)"?$/gm)].map(
      m => m[1],
    );
    assert.deepEqual(images, [imageRef(image)], chart);
  }
});

// Installs a chart as Knot would (knot.enabled, a hostname under the
// domain) into a namespace whose pods go to the real node; returns the host
// and the running pod.
async function install(t, chart, values = []) {
  const ns = await realNamespace(t, chart.split('-')[0]);
  const release = uniqueName('svc');
  const host = `${release}.${ingress.domain}`;
  await run('helm', [
    'install',
    release,
    join(chartsDir, chart),
    '-n',
    ns,
    '--set',
    'knot.enabled=true',
    '--set',
    `knot.hostname=${host}`,
    ...values.flatMap(v => ['--set', v]),
  ]);
  t.after(() =>
    run('helm', ['uninstall', release, '-n', ns], { allowFail: true }),
  );
  const name = await waitFor(
    `a pod of ${release}`,
    async () => (await livePods(ns, release))[0]?.metadata.name,
  );
  // The first start pulls the image (Jupyter's is the largest).
  const pod = await runningPod(ns, name, 240_000);
  assert.equal(pod.spec.nodeName, NODE_NAME);
  return { host, pod };
}

test(
  'Hello Kubernetes: the chart runs on the real node and its page comes through the ingress',
  { skip: needsRealNode },
  async t => {
    const { host, pod } = await install(t, 'hello-kubernetes', [
      'message=Hello from the chart',
    ]);
    // The node runs exactly what dev/images/build.sh built.
    const built = (
      await run(join(clusterDir, '..', 'images', 'build.sh'), ['list', 'hello'])
    ).stdout.split(/\s+/)[2];
    assert.match(built, /^sha256:/);
    assert.equal(
      pod.status.containerStatuses[0].imageID,
      `${imageRef('hello').replace(/:[^:/]+$/, '')}@${built}`,
    );
    const page = await routed(host, '/');
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1 id="message">Hello from the chart<\/h1>/);
    assert.match(
      page.text,
      new RegExp(
        `pod <b id="pod">${pod.metadata.name}</b> on node <b id="node">${NODE_NAME}</b>`,
      ),
    );
  },
);

test(
  'Jupyter Notebook: the chart starts JupyterLab and its API answers through the ingress',
  { skip: needsRealNode },
  async t => {
    // Without Knot's webhook there is no /private: start in the home folder.
    const { host } = await install(t, 'jupyter-notebook', [
      'knot.privateDir=/home/jovyan',
      'resources.cpu=250m',
      'resources.memory=1Gi',
    ]);
    const status = await routed(host, '/api/status');
    assert.equal(status.status, 200);
    assert.ok(JSON.parse(status.text).started, status.text);
    const lab = await viaIngress(host, '/lab');
    assert.equal(lab.status, 200);
    assert.match(lab.text, /JupyterLab/);
  },
);

test(
  'File Browser: the chart serves its UI and API through the ingress',
  { skip: needsRealNode },
  async t => {
    const { host } = await install(t, 'file-browser', ['knot.privateDir=/tmp']);
    const page = await routed(host, '/');
    assert.equal(page.status, 200);
    assert.match(page.text, /File Browser/);
    // --noauth (Knot's forward-auth guards the service): a login without
    // credentials yields a token, and the API lists the root folder with it.
    const login = await viaIngress(host, '/api/login', {
      method: 'POST',
      body: '{}',
    });
    assert.equal(login.status, 200, login.text);
    const listing = await viaIngress(host, '/api/resources/', {
      headers: { 'X-Auth': login.text },
    });
    assert.equal(listing.status, 200, listing.text);
    assert.equal(JSON.parse(listing.text).isDir, true);
  },
);
