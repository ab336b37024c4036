// The measuring half of bench/images/run.sh (see there).
import { execFileSync, spawn } from 'node:child_process';
import { openAsBlob, readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import {
  buildTestImage,
  writeOciLayoutArchive,
} from '../../packages/knot-test-utils/src/imageArchives';
import { nodeRegistryTransport } from '../../packages/knot-test-utils/src/registryTransport';
import {
  planLayoutPush,
  pushLayoutBlobs,
  type KnotImagePushGrant,
} from '../../plugins/knot-common/src';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    pid: { type: 'string' },
    'registry-pid': { type: 'string' },
    dir: { type: 'string' },
    'size-mib': { type: 'string' },
    rounds: { type: 'string', default: '3' },
    registry: { type: 'string' },
    crane: { type: 'string' },
    /** Browser pushes through this ingress URL (KNOT_BENCH_DIRECT=1). */
    direct: { type: 'string' },
    'traefik-pid': { type: 'string' },
    /** crane through the same Traefik, TLS without the grant check. */
    'crane-ingress': { type: 'string' },
    /**
     * The Images page in Chromium as well, at this origin (the portal and
     * its `/v2/` route on one Traefik; KNOT_BENCH_BROWSER=1).
     */
    browser: { type: 'string' },
    /**
     * The network namespace Chromium and the crane through Traefik run in
     * (KNOT_BENCH_CLIENT_LINK: their uploads cross a line of `link`).
     */
    'client-netns': { type: 'string' },
    link: { type: 'string' },
    /** The CPUs the clients run on (KNOT_BENCH_CLIENT_CPUS), for the report. */
    'client-cpus': { type: 'string' },
  },
});
const dir = args.dir!;
const sizeMiB = Number(args['size-mib']);
const rounds = Number(args.rounds);
const base = `http://localhost:${args.port}/api`;
const MiB = 1024 * 1024;

const rss = () =>
  Number(
    /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${args.pid}/status`, 'utf8'))![1],
  ) * 1024;

function run(command: string, argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', c => (out += c));
    child.stderr.on('data', c => (err += c));
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${command} failed (${code}): ${err}${out}`)),
    );
  });
}

/** CPU seconds the process `pid` used so far (user + system). */
function cpuOf(pid: string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds `root` and its descendants used so far, by Chromium's process
 * type (`--type=renderer`, `utility` for the network service, `gpu-process`;
 * `browser` for the root).
 */
function cpuOfTree(root: number): Map<string, number> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(
        readFileSync(`/proc/${entry}/stat`, 'utf8')
          .split(') ')[1]
          .split(' ')[1],
      );
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const byType = new Map<string, number>();
  const walk = (pid: number) => {
    try {
      const type =
        /--type=([\w-]+)/.exec(
          readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
        )?.[1] ?? 'browser';
      byType.set(type, (byType.get(type) ?? 0) + cpuOf(String(pid)));
    } catch {
      return;
    }
    (children.get(pid) ?? []).forEach(walk);
  };
  walk(root);
  return byType;
}

/**
 * Runs `work`, sampling the backend's RSS every 20 ms; with the CPU
 * seconds the backend and the registry spent meanwhile.
 */
async function measured(work: () => Promise<unknown>) {
  const before = rss();
  const cpu0 = [
    cpuOf(args.pid!),
    cpuOf(args['registry-pid']!),
    args['traefik-pid'] ? cpuOf(args['traefik-pid']) : 0,
  ];
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 20);
  const started = process.hrtime.bigint();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    growth: Math.max(peak, rss()) - before,
    backendCpu: cpuOf(args.pid!) - cpu0[0],
    registryCpu: cpuOf(args['registry-pid']!) - cpu0[1],
    ingressCpu: args['traefik-pid'] ? cpuOf(args['traefik-pid']) - cpu0[2] : 0,
  };
}

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The Images page's upload with browser pushes, by its own code
 * (`planLayoutPush`, `pushLayoutBlobs`) over node:http: the grant, the
 * large layers through the ingress, then the archive without them.
 */
async function direct(archive: string, repository: string, token: string) {
  // Where the time goes, and the client's own CPU (a browser's, elsewhere).
  const cpu0 = process.cpuUsage();
  const at = [process.hrtime.bigint()];
  const lap = () => at.push(process.hrtime.bigint());
  const file = await openAsBlob(archive);
  const plan = (await planLayoutPush(file))!;
  const headers = {
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json',
  };
  const res = await fetch(`${base}/knot/images/pushes`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      repository,
      tag: 'latest',
      blobs: plan.blobs.map(({ digest, size }) => ({ digest, size })),
    }),
  });
  if (!res.ok) throw new Error(`grant: ${res.status} ${await res.text()}`);
  const grant = (await res.json()) as KnotImagePushGrant;
  lap();
  await pushLayoutBlobs({
    file,
    plan,
    grant,
    repository,
    transport: nodeRegistryTransport,
    headers: { Authorization: `Bearer ${token}` },
  });
  lap();
  const commit = await fetch(
    `${base}/knot/images/upload?repository=${repository}&tag=latest&pushed=browser`,
    {
      method: 'PUT',
      headers: { ...headers, 'Content-Type': 'application/octet-stream' },
      body: Buffer.from(await plan.slim.arrayBuffer()),
    },
  );
  if (commit.status !== 201) {
    throw new Error(`commit: ${commit.status} ${await commit.text()}`);
  }
  lap();
  const s = (i: number) => (Number(at[i + 1] - at[i]) / 1e9).toFixed(2);
  const { user, system } = process.cpuUsage(cpu0);
  console.log(
    `  plan + grant ${s(0)} s, layers ${s(1)} s, commit ${s(
      2,
    )} s; client cpu ${((user + system) / 1e6).toFixed(1)} s`,
  );
}

/**
 * The Images page itself in Chromium (KNOT_BENCH_BROWSER=1), signed in as
 * the guest at the portal's origin, whose `/v2/` goes to the registry
 * through the same Traefik: what a user's upload costs, the browser's own
 * CPU included (Chromium's, not the Node stand-in's).
 */
async function imagesPage(origin: string) {
  const browser = await chromium.launch({
    executablePath: process.env.KNOT_CHROMIUM ?? '/usr/bin/chromium',
  });
  const page = await (
    await browser.newContext({ ignoreHTTPSErrors: true })
  ).newPage();
  await page.goto(`${origin}/knot/images`);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('button', { name: 'Upload image' })
    .waitFor({ timeout: 120_000 });
  // Playwright starts Chromium as this process's child.
  const roots = readdirSync('/proc').filter(
    pid =>
      /^\d+$/.test(pid) &&
      readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1] ===
        String(process.pid) &&
      readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('chrom'),
  );
  const cpu = () => {
    const all = new Map<string, number>();
    for (const pid of roots) {
      for (const [type, seconds] of cpuOfTree(+pid)) {
        all.set(type, (all.get(type) ?? 0) + seconds);
      }
    }
    return all;
  };
  return { browser, page, cpu };
}

/**
 * Fills the upload dialog; the returned function clicks Upload and waits
 * for the dialog to close (timed), or throws what the page says.
 */
async function prepareUpload(page: Page, archive: string, name: string) {
  await page.getByRole('button', { name: 'Upload image' }).click();
  const dialog = page.getByRole('dialog');
  // A local browser gets the path: Chromium reads the file itself.
  await dialog.getByTestId('image-file-input').setInputFiles(archive);
  await dialog.getByRole('textbox', { name: 'Image name' }).fill(name);
  await dialog.getByRole('textbox', { name: 'Tag' }).fill('latest');
  const alert = dialog.getByRole('alert');
  return async () => {
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    for (;;) {
      if (!(await dialog.isVisible())) return;
      if (await alert.isVisible()) {
        throw new Error(`the Images page says: ${await alert.textContent()}`);
      }
      await new Promise(r => setTimeout(r, 100));
    }
  };
}

async function main() {
  const res = await fetch(`${base}/auth/guest/refresh?env=development`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  const { backstageIdentity } = (await res.json()) as any;
  const token = backstageIdentity.token as string;

  console.log(`building a ${sizeMiB} MiB image (4 layers) in ${dir}/image`);
  const layer = Math.floor((sizeMiB * MiB) / 4);
  const image = await buildTestImage(path.join(dir, 'image'), {
    layerSizes: [layer, layer, layer, layer],
  });
  const archive = path.join(dir, 'image.tar');
  await writeOciLayoutArchive(image, archive);
  const layout = path.join(dir, 'layout');
  await fs.mkdir(layout);
  execFileSync('tar', ['-xf', archive, '-C', layout]);
  await fs.rm(path.join(dir, 'image'), { recursive: true });
  const bytes = (await fs.stat(archive)).size;
  execFileSync('sync');

  const crane: number[] = [];
  const craneIngress: number[] = [];
  const portal: number[] = [];
  const inBrowser: number[] = [];
  const growth: number[] = [];
  const chromiumPage = args.browser
    ? await imagesPage(args.browser)
    : undefined;
  for (let round = 0; round < rounds; round++) {
    const c = await measured(() =>
      run(args.crane!, [
        'push',
        '--insecure',
        layout,
        `${args.registry}/bench/crane-${round}:latest`,
      ]),
    );
    crane.push(c.seconds);
    const craneArgs = [
      'push',
      '--insecure',
      layout,
      `${args['crane-ingress']}/bench/crane-ingress-${round}:latest`,
    ];
    const ci = args['crane-ingress']
      ? await measured(() =>
          args['client-netns']
            ? run('ip', [
                'netns',
                'exec',
                args['client-netns']!,
                args.crane!,
                ...craneArgs,
              ])
            : run(args.crane!, craneArgs),
        )
      : undefined;
    if (ci) craneIngress.push(ci.seconds);
    const p = await measured(() =>
      args.direct
        ? direct(archive, `guest/portal-${round}`, token)
        : run('curl', [
            '-sS',
            '--fail-with-body',
            '-T',
            archive,
            '-H',
            `Authorization: Bearer ${token}`,
            '-H',
            'Content-Type: application/octet-stream',
            `${base}/knot/images/upload?repository=guest/portal-${round}&tag=latest`,
          ]),
    );
    portal.push(p.seconds);
    growth.push(p.growth);
    let b:
      | (Awaited<ReturnType<typeof measured>> & {
          cpu: number;
          byType: string;
        })
      | undefined;
    if (chromiumPage) {
      const upload = await prepareUpload(
        chromiumPage.page,
        archive,
        `browser-${round}`,
      );
      const cpu0 = chromiumPage.cpu();
      const m = await measured(upload);
      const spent = [...chromiumPage.cpu()].map(
        ([type, s]) => [type, s - (cpu0.get(type) ?? 0)] as const,
      );
      b = {
        ...m,
        cpu: spent.reduce((sum, [, s]) => sum + s, 0),
        byType: spent
          .filter(([, s]) => s >= 0.05)
          .map(([type, s]) => `${type} ${s.toFixed(1)}`)
          .join(', '),
      };
      inBrowser.push(b.seconds);
      growth.push(b.growth);
    }
    console.log(
      `round ${round + 1}: crane ${c.seconds.toFixed(
        1,
      )} s (registry cpu ${c.registryCpu.toFixed(1)} s)${
        ci ? `, crane via Traefik ${ci.seconds.toFixed(1)} s` : ''
      }, portal ${p.seconds.toFixed(1)} s (backend cpu ${p.backendCpu.toFixed(
        1,
      )} s, registry cpu ${p.registryCpu.toFixed(1)} s${
        args.direct ? `, traefik cpu ${p.ingressCpu.toFixed(1)} s` : ''
      }), backend RSS +${(p.growth / MiB).toFixed(1)} MiB${
        b
          ? `, Chromium's Images page ${b.seconds.toFixed(
              1,
            )} s (chromium cpu ${b.cpu.toFixed(1)} s: ${
              b.byType
            }; backend cpu ${b.backendCpu.toFixed(
              1,
            )} s, traefik cpu ${b.ingressCpu.toFixed(1)} s)`
          : ''
      }; load ${readFileSync('/proc/loadavg', 'utf8')
        .split(' ')
        .slice(0, 3)
        .join(' ')}`,
    );
  }
  const mibps = (s: number) => bytes / MiB / s;
  if (args.link) {
    console.log(
      `crane through Traefik and Chromium: from their own network namespace, uploads shaped to ${args.link} (the portal upload's Node client is not)`,
    );
  }
  if (args['client-cpus']) {
    console.log(
      `clients (crane, the Node client, Chromium) on CPUs ${args['client-cpus']}; registry, backend and Traefik on the others`,
    );
  }
  const craneRate = mibps(median(crane));
  const portalRate = mibps(median(portal));
  console.log(`archive: ${(bytes / MiB).toFixed(0)} MiB`);
  console.log(`crane push (median): ${craneRate.toFixed(0)} MiB/s`);
  console.log(
    `portal upload${
      args.direct ? ' (browser pushes via Traefik)' : ''
    } (median): ${portalRate.toFixed(0)} MiB/s`,
  );
  console.log(
    `ratio portal/crane: ${(portalRate / craneRate).toFixed(2)}× (goal ≥ 0.8)`,
  );
  if (craneIngress.length) {
    const viaIngress = mibps(median(craneIngress));
    // Over a line only crane and Chromium cross it; the Node client does not.
    console.log(
      `crane push through the same Traefik (median): ${viaIngress.toFixed(
        0,
      )} MiB/s${
        args.link
          ? ''
          : `; ratio portal/crane through the same ingress: ${(
              portalRate / viaIngress
            ).toFixed(2)}×`
      }`,
    );
  }
  if (inBrowser.length) {
    const pageRate = mibps(median(inBrowser));
    const viaIngress = craneIngress.length
      ? mibps(median(craneIngress))
      : undefined;
    console.log(
      `Chromium's Images page (median): ${pageRate.toFixed(
        0,
      )} MiB/s; ratio to crane: ${(pageRate / craneRate).toFixed(2)}×${
        viaIngress
          ? `; to crane through the same ingress: ${(
              pageRate / viaIngress
            ).toFixed(2)}×`
          : ''
      }`,
    );
  }
  await chromiumPage?.browser.close();
  console.log(
    `backend RSS growth, max over rounds: ${(Math.max(...growth) / MiB).toFixed(
      1,
    )} MiB (goal ≤ 64)`,
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
