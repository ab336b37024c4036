/**
 * Provisioning benchmark (not a test): provisions N profiles with Knot's
 * reconciler and applies the same manifests with `kubectl apply` in the same
 * run, against the cluster in KUBECONFIG, and prints time per user and the
 * ratio Knot / kubectl. Run through run.sh, which brings up a throw-away
 * cluster (namespace deletion is slow: nothing is cleaned up, the cluster's
 * data dir is deleted instead).
 *
 *   KNOT_BENCH_SIZES=10,100,500 (default)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { KubernetesClientFactory } from '../../plugins/knot-backend/src/kubernetes/KubernetesClientFactory';
import { KubeObjects } from '../../plugins/knot-backend/src/provisioning/KubeObjects';
import { profileManifests } from '../../plugins/knot-backend/src/provisioning/manifests';
import type { ProvisioningTarget } from '../../plugins/knot-backend/src/provisioning/ProfileSource';
import { readProvisioningConfig } from '../../plugins/knot-backend/src/provisioning/config';
import { ProvisioningReconciler } from '../../plugins/knot-backend/src/provisioning/ProvisioningReconciler';

const sizes = (process.env.KNOT_BENCH_SIZES ?? '10,100,500')
  .split(',')
  .map(Number);
// Names unique per run, so runs on the same cluster never collide.
const run = Math.random().toString(36).slice(2, 6);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-bench-'));
const silent = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silent;
  },
} as any;

function setup(tag: string) {
  // Each round has its own prefix and names: no round sees another's objects.
  return readProvisioningConfig(
    new ConfigReader({
      knot: {
        namespacePrefix: `${tag}-`,
        storage: {
          privateDir: path.join(dir, tag, 'private'),
          sharedDir: path.join(dir, tag, 'shared'),
        },
        provisioning: { removeOrphans: false },
      },
    }),
  );
}

function targets(tag: string, n: number): ProvisioningTarget[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `${tag}u${i}`,
    isTeam: false,
    active: true,
  }));
}

// One client for all rounds, as in the running backend (warmed up below).
const kube = new KubeObjects(new KubernetesClientFactory());

async function knotRound(n: number) {
  const tag = `k${n}${run}`;
  const users = targets(tag, n);
  const reconciler = new ProvisioningReconciler({
    kube,
    source: { listProfiles: async () => users },
    config: setup(tag),
    logger: silent,
  });
  const t0 = performance.now();
  const report = await reconciler.reconcileAll();
  const ms = performance.now() - t0;
  const failed = report.actions.filter(a => a.action === 'failed');
  if (failed.length) {
    throw new Error(`Knot failed: ${JSON.stringify(failed.slice(0, 3))}`);
  }
  const t1 = performance.now();
  const again = await reconciler.reconcileAll();
  const noopMs = performance.now() - t1;
  return {
    ms,
    changes: report.actions.length,
    noopMs,
    noopChanges: again.actions.length,
  };
}

function kubectlRound(n: number) {
  const tag = `c${n}${run}`;
  const config = setup(tag);
  const manifests = targets(tag, n).map(t => profileManifests(t, config));
  // Namespaces first, as kubectl applies in file order.
  const items = [
    ...manifests.map(m => m.namespace),
    ...manifests.flatMap(m => [...m.objects, ...m.claims]),
  ];
  const file = path.join(dir, `${tag}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
  const t0 = performance.now();
  try {
    execFileSync('kubectl', ['apply', '-f', file], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `kubectl apply failed: ${String(
        (error as { stderr?: Buffer }).stderr,
      ).slice(0, 2000)}`,
    );
  }
  return { ms: performance.now() - t0, objects: items.length };
}

async function main() {
  // Warm-up: module loading, API discovery, the first TLS connection; a
  // running backend has done these long before.
  await new ProvisioningReconciler({
    kube,
    source: { listProfiles: async () => [] },
    config: setup('warmup'),
    logger: silent,
  }).reconcileAll();
  const rows: string[] = [];
  for (const n of sizes) {
    const kubectl = kubectlRound(n);
    const knot = await knotRound(n);
    const ratio = knot.ms / kubectl.ms;
    rows.push(
      [
        `N=${n}`.padEnd(6),
        `objects ${kubectl.objects}`.padEnd(14),
        `kubectl apply ${(kubectl.ms / 1000).toFixed(2)} s (${(
          kubectl.ms / n
        ).toFixed(1)} ms/user)`.padEnd(40),
        `knot ${(knot.ms / 1000).toFixed(2)} s (${(knot.ms / n).toFixed(
          1,
        )} ms/user, ${knot.changes} changes)`.padEnd(46),
        `ratio ${ratio.toFixed(2)}x`.padEnd(13),
        `no-op reconcile ${(knot.noopMs / 1000).toFixed(2)} s (${
          knot.noopChanges
        } changes)`,
      ].join(' '),
    );
    console.log(rows[rows.length - 1]);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
