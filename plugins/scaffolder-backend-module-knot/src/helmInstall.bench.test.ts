import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BUNDLED_CHARTS_DIR,
  createProfileNamespace,
  runHelm,
  testKubeconfig,
  testUsername,
  uninstallReleases,
} from '@knot-platform/knot-test-utils';
import { startInstallAction } from './__testUtils__/installAction';

/**
 * bench/services: the same chart deployed N times through knot:helm:install
 * and N times with bare `helm install`, interleaved in one run. Runs only
 * with KNOT_BENCH=1 (bench/services/run.sh).
 */
const bench =
  process.env.KNOT_BENCH && testKubeconfig() ? describe : describe.skip;
const rounds = Number(process.env.KNOT_BENCH_ROUNDS ?? 5);
const chartDir = path.join(BUNDLED_CHARTS_DIR, 'hello-kubernetes');

jest.setTimeout(600_000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? s[(s.length - 1) / 2]
    : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

bench('bench: knot:helm:install vs bare helm install', () => {
  it('prints the overhead ratio', async () => {
    const user = testUsername('bench');
    const { run } = await startInstallAction({
      config: {
        knot: {
          kubernetes: { kubeconfig: testKubeconfig()! },
          services: { chartsDir: BUNDLED_CHARTS_DIR },
        },
      },
    });
    const profile = await createProfileNamespace(user);
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-bench-'));
    const valuesFile = path.join(tmp, 'values.yaml');
    // Bare helm gets the same values the action computes, so only Knot's work differs.
    await fs.writeFile(
      valuesFile,
      JSON.stringify({
        message: 'bench',
        knot: { enabled: true, hostname: 'bench.localtest.me' },
      }),
    );
    const bare: number[] = [];
    const knot: number[] = [];
    try {
      const runBare = async (i: number) => {
        const t = performance.now();
        await runHelm([
          'install',
          `bare-${i}`,
          chartDir,
          '-n',
          profile.namespace,
          '-f',
          valuesFile,
        ]);
        bare.push(performance.now() - t);
      };
      const runKnot = async (i: number) => {
        const t = performance.now();
        await run(
          {
            chart: 'hello-kubernetes',
            name: `knot-${i}`,
            values: { message: 'bench' },
          },
          user,
        ).done;
        knot.push(performance.now() - t);
      };
      // Each install sets controllers and kwok to work on the new Deployment:
      // let that settle before the next measurement, and alternate which side
      // goes first so neither always runs right after the other.
      const settle = () => new Promise(r => setTimeout(r, 1500));
      for (let i = 0; i < rounds; i++) {
        const order = i % 2 ? [runKnot, runBare] : [runBare, runKnot];
        for (const measure of order) {
          await settle();
          await measure(i);
        }
      }
    } finally {
      await uninstallReleases(profile.namespace);
      await profile.remove();
      await fs.rm(tmp, { recursive: true, force: true });
    }
    const ratio = median(knot) / median(bare);
    // eslint-disable-next-line no-console
    console.log(
      [
        `bench/services: ${rounds} rounds, hello-kubernetes chart`,
        `  bare helm install   median ${median(bare).toFixed(0)} ms  (${bare
          .map(x => x.toFixed(0))
          .join(', ')})`,
        `  knot:helm:install   median ${median(knot).toFixed(0)} ms  (${knot
          .map(x => x.toFixed(0))
          .join(', ')})`,
        `  ratio knot/bare     ${ratio.toFixed(2)}x  (goal <= 1.1x)`,
      ].join('\n'),
    );
    expect(knot).toHaveLength(rounds);
  });
});
