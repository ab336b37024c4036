/**
 * Scale benchmark (not a test): run through run.sh, which starts a
 * throw-away kwok-only cluster, PostgreSQL and the portal's backend. Seeds N
 * users and N/10 teams (10 members each) into Knot's user store, then, in one
 * run: provisioning from scratch and a no-change reconcile (time, API server
 * requests), 2 helm release records per profile, the catalog providers'
 * convergence (initial, and after one change), and the portal's API mix under
 * C concurrent simulated users, each signed in once through Knot's login,
 * against one replica and then round-robin across two, with deploys through
 * the portal and bare helm alongside; last, a pod storm through Knot's
 * webhook.
 *
 *   KNOT_SCALE_N (run.sh's argument), KNOT_SCALE_USERS (C, default 200),
 *   KNOT_SCALE_SECONDS (default 60), KNOT_SCALE_THINK_MS (default 1000),
 *   KNOT_SCALE_DEPLOYS (deploys each way per mix, default 3),
 *   KNOT_SCALE_PODS (default 2000), KNOT_SCALE_POD_CONCURRENCY (default 50),
 *   KNOT_SCALE_REPLICA_CPU (cores: each replica's own CPU limit during the
 *   mix, as a pod's; default none)
 */
import path from 'node:path';
import knexFactory from 'knex';
import { Agent, setGlobalDispatcher } from 'undici';
import { KubernetesClientFactory } from '../../plugins/knot-backend/src/kubernetes/KubernetesClientFactory';
import { loadClientNode } from '../../plugins/knot-backend/src/kubernetes/loadClientNode';
import { Helm } from '../../plugins/knot-backend/src/releases/Helm';
import { ReleaseRecords } from '../../plugins/knot-backend/src/releases/ReleaseRecords';
import { hashPassword } from '../../plugins/knot-backend/src/identity/passwords';
import { PAGES, runMix, summary } from './apiMix';
import { limitCpu } from './cpuLimit';
import { apiServerRequests, delta, describe, total } from './apiServerRequests';
import { deploysDuringMix, median } from './deploys';
import { podStorm } from './podStorm';
import { loadAverage, processUsage, treeCpuSeconds } from './processUsage';
import { releaseRecord } from './releaseRecords';
import { signIn } from './signIn';

// A reconcile of thousands of profiles on a busy machine takes longer than
// fetch's default 5 minutes for the answer's headers (seen at N = 2,000, load 18).
setGlobalDispatcher(new Agent({ headersTimeout: 0, bodyTimeout: 0 }));

const env = process.env;
const n = Number(env.KNOT_SCALE_N ?? 100);
const teams = Math.max(1, Math.floor(n / 10));
const concurrentUsers = Number(env.KNOT_SCALE_USERS ?? 200);
const seconds = Number(env.KNOT_SCALE_SECONDS ?? 60);
const thinkMs = Number(env.KNOT_SCALE_THINK_MS ?? 1000);
const replicaCpu = Number(env.KNOT_SCALE_REPLICA_CPU) || undefined;
const backend = env.KNOT_SCALE_BACKEND!;
const app = env.KNOT_SCALE_APP!;
const backendPid = Number(env.KNOT_SCALE_BACKEND_PID);
// The second replica (same PostgreSQL, its own port), when run.sh starts one.
const backend2 = env.KNOT_SCALE_BACKEND2;
const backend2Pid = Number(env.KNOT_SCALE_BACKEND2_PID) || undefined;
// Knot's webhook, registered with the API server (run.sh), for the pod storm.
const webhook = env.KNOT_SCALE_WEBHOOK
  ? { url: env.KNOT_SCALE_WEBHOOK, caFile: env.KNOT_SCALE_WEBHOOK_CA! }
  : undefined;
// Where else the CPU goes during the mix: the database, the API server, etcd.
const others = (
  [
    ['PostgreSQL', env.KNOT_SCALE_PG_PID],
    ['API server', env.KNOT_SCALE_APISERVER_PID],
    ['etcd', env.KNOT_SCALE_ETCD_PID],
  ] as const
)
  .filter(([, pid]) => Number(pid) > 0)
  .map(([name, pid]) => ({ name, pid: Number(pid) }));
const webhookPid = Number(env.KNOT_SCALE_WEBHOOK_PID) || undefined;
const stormPods = Number(env.KNOT_SCALE_PODS ?? 2000);
const stormConcurrency = Number(env.KNOT_SCALE_POD_CONCURRENCY ?? 50);
// Deploys through the portal (and as many bare) during each mix.
const deployRounds = Number(env.KNOT_SCALE_DEPLOYS ?? 3);
const repoRoot = path.resolve(__dirname, '../..');
const RELEASES_PER_PROFILE = 2;

const userName = (i: number) => `su${i}`;
const teamName = (i: number) => `st${i}`;
const password = (name: string) => `${name} scale password`;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function log(line: string) {
  console.log(`${line}   [load ${loadAverage()}]`);
}

async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function api(
  token: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
) {
  const response = await fetch(`${backend}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(
      `${init.method ?? 'GET'} ${path}: ${response.status} ${text.slice(
        0,
        300,
      )}`,
    );
  return text ? JSON.parse(text) : undefined;
}

/** How many entities of a catalog filter there are. */
async function catalogCount(token: string, filter: string): Promise<number> {
  const body = await api(
    token,
    `/api/catalog/entities/by-query?filter=${encodeURIComponent(
      filter,
    )}&limit=1`,
  );
  return body.totalItems;
}

async function seedUsers() {
  const knex = knexFactory({
    client: 'pg',
    connection: `${env.KNOT_SCALE_DATABASE}/backstage_plugin_knot`,
  });
  const now = new Date();
  const row = (username: string, isTeam: boolean, hash: string | null) => ({
    username,
    email: null,
    password_hash: hash,
    active: true,
    admin: false,
    is_team: isTeam,
    created_at: now,
    updated_at: now,
    approved_at: now,
  });
  // Only the users who sign in need a password (scrypt is slow on purpose).
  const hashes = new Map<string, string>();
  await forEachLimit(
    Array.from({ length: Math.min(concurrentUsers, n) }, (_, i) => userName(i)),
    4,
    async name => {
      hashes.set(name, await hashPassword(password(name)));
    },
  );
  const users = Array.from({ length: n }, (_, i) =>
    row(userName(i), false, hashes.get(userName(i)) ?? null),
  );
  const groups = Array.from({ length: teams }, (_, i) =>
    row(teamName(i), true, null),
  );
  await knex.batchInsert('knot_users', [...users, ...groups], 500);
  const members = Array.from({ length: teams }, (_, t) =>
    Array.from({ length: 10 }, (_, k) => t * 10 + k)
      .filter(i => i < n)
      .map(i => ({ team: teamName(t), member: userName(i), role: 'member' })),
  ).flat();
  await knex.batchInsert('knot_team_members', members, 500);
  await knex.destroy();
}

/** One reconcile of every profile through the admin route, with the API server's count. */
async function reconcile(token: string, backgroundPerSecond: number) {
  const before = apiServerRequests();
  const t0 = performance.now();
  const report = await api(token, '/api/knot/provisioning/reconcile', {
    method: 'POST',
    body: {},
  });
  const ms = performance.now() - t0;
  const counts = delta(before, apiServerRequests());
  const requests = Math.round(
    total(counts) - (backgroundPerSecond * ms) / 1000,
  );
  return { ms, report, requests, counts };
}

/** Mean time of `fn`, run `times` times one after another. */
async function timeEach(times: number, fn: () => Promise<unknown>) {
  const t0 = performance.now();
  for (let i = 0; i < times; i++) await fn();
  return (performance.now() - t0) / times;
}

/**
 * The Services page's release list: a helm process (before) and one list of
 * the release Secrets (after); a typed client's list on a new TLS
 * connection each time (client-node's default, before) and on the shared
 * keep-alive connection (after). Sequential, so each is its cost alone.
 */
async function compareListings(kube: KubernetesClientFactory) {
  const times = 30;
  const namespace = 'knot-su0';
  const helm = new Helm('helm', env.KUBECONFIG);
  const records = new ReleaseRecords(kube);
  const helmMs = await timeEach(times, () => helm.list(namespace));
  const recordsMs = await timeEach(times, () => records.list(namespace));
  log(
    `release list of one namespace: helm process ${helmMs.toFixed(
      1,
    )} ms, release Secrets via the API ${recordsMs.toFixed(1)} ms (${(
      helmMs / recordsMs
    ).toFixed(1)}x)`,
  );
  const lib = loadClientNode();
  const kc = await kube.kubeConfig();
  const fresh = await timeEach(times, () =>
    kc.makeApiClient(lib.CoreV1Api).listNamespacedPod({ namespace }),
  );
  const shared = await kube.makeClient(l => l.CoreV1Api);
  const kept = await timeEach(times, () =>
    shared.listNamespacedPod({ namespace }),
  );
  log(
    `one pod list: new TLS connection ${fresh.toFixed(
      1,
    )} ms, keep-alive ${kept.toFixed(1)} ms (${(fresh / kept).toFixed(1)}x)`,
  );
}

async function main() {
  for (const replica of [backend, backend2].filter(Boolean)) {
    await waitFor(`the backend at ${replica}`, 600_000, async () => {
      const r = await fetch(`${replica}/.backstage/health/v1/readiness`);
      return r.ok ? true : undefined;
    });
  }
  // The first admin (knot.identity.admin), signed in as any user is.
  const admin = await signIn({
    backend,
    app,
    username: 'admin',
    password: env.KNOT_ADMIN_PASSWORD!,
  });
  const profiles = [
    ...Array.from({ length: n }, (_, i) => userName(i)),
    ...Array.from({ length: teams }, (_, i) => teamName(i)),
  ];
  log(
    `N=${n}: ${n} users, ${teams} teams, ${
      profiles.length * RELEASES_PER_PROFILE
    } release records; backend pid ${backendPid}, RSS ${processUsage(
      backendPid,
    ).rssMiB.toFixed(0)} MiB at start${
      backend2Pid
        ? `; replica 2 (same PostgreSQL) pid ${backend2Pid}, RSS ${processUsage(
            backend2Pid,
          ).rssMiB.toFixed(0)} MiB`
        : ''
    }${webhook ? `; Knot's webhook registered at ${webhook.url}` : ''}`,
  );

  // The API server's background (controllers, kwok heartbeats), per second.
  const b0 = apiServerRequests();
  await sleep(10_000);
  const backgroundPerSecond = total(delta(b0, apiServerRequests())) / 10;
  log(
    `API server background: ${backgroundPerSecond.toFixed(
      1,
    )} requests/s (subtracted below)`,
  );

  const seeded = performance.now();
  await seedUsers();
  log(
    `seeded ${profiles.length} profiles into PostgreSQL in ${secs(
      performance.now() - seeded,
    )}`,
  );

  const first = await reconcile(admin, backgroundPerSecond);
  const failed = first.report.actions.filter(
    (a: { action: string }) => a.action === 'failed',
  );
  log(
    `provisioning from scratch: ${secs(first.ms)} for ${
      first.report.profiles
    } profiles (${(first.ms / first.report.profiles).toFixed(1)} ms/profile), ${
      first.report.actions.length
    } changes, ${failed.length} failed, ~${
      first.requests
    } API requests (${describe(first.counts)})`,
  );
  if (failed.length) console.log(JSON.stringify(failed.slice(0, 3)));
  const again = await reconcile(admin, backgroundPerSecond);
  log(
    `no-change reconcile: ${secs(again.ms)}, ${
      again.report.actions.length
    } changes, ~${again.requests} API requests (${describe(again.counts)})`,
  );

  // Two helm release records per profile, as `helm install` leaves them.
  const kube = new KubernetesClientFactory();
  const core = await kube.makeClient(lib => lib.CoreV1Api);
  const records = profiles.flatMap(p =>
    Array.from({ length: RELEASES_PER_PROFILE }, (_, k) => ({
      ns: `knot-${p}`,
      name: `svc${k}`,
    })),
  );
  const r0 = performance.now();
  await forEachLimit(records, 16, async r => {
    await core.createNamespacedSecret({
      namespace: r.ns,
      body: releaseRecord(r.ns, r.name) as any,
    });
  });
  const recordsAt = performance.now();
  log(`created ${records.length} release records in ${secs(recordsAt - r0)}`);

  // Initial convergence: every User, Group and release Component in the catalog.
  const [usersAt, componentsAt] = await Promise.all([
    waitFor('Users and Groups in the catalog', 600_000, async () =>
      (await catalogCount(admin, 'kind=user,metadata.name=su' + (n - 1))) ===
        1 &&
      (await catalogCount(
        admin,
        'kind=group,metadata.name=' + teamName(teams - 1),
      )) === 1
        ? performance.now()
        : undefined,
    ),
    waitFor('release Components in the catalog', 600_000, async () =>
      (await catalogCount(
        admin,
        'kind=component,metadata.tags=knot-service',
      )) >= records.length
        ? performance.now()
        : undefined,
    ),
  ]);
  log(
    `catalog: all ${n} Users + ${teams} Groups ${secs(
      usersAt - seeded,
    )} after seeding; all ${records.length} release Components ${secs(
      componentsAt - recordsAt,
    )} after the records`,
  );

  // One change each: a team created through the admin route (a profile
  // event), one more release record (the releases provider's schedule).
  const c0 = performance.now();
  await api(admin, '/api/knot/teams', {
    method: 'POST',
    body: { name: 'stnew' },
  });
  const groupAt = await waitFor('the new Group', 300_000, async () =>
    (await catalogCount(admin, 'kind=group,metadata.name=stnew')) === 1
      ? performance.now()
      : undefined,
  );
  const c1 = performance.now();
  await core.createNamespacedSecret({
    namespace: 'knot-su0',
    body: releaseRecord('knot-su0', 'svcnew') as any,
  });
  const componentAt = await waitFor('the new Component', 300_000, async () =>
    (await catalogCount(admin, 'kind=component,metadata.name=svcnew-su0')) === 1
      ? performance.now()
      : undefined,
  );
  // And one release gone (helm uninstall deletes its records).
  const c2 = performance.now();
  await core.deleteNamespacedSecret({
    namespace: 'knot-su0',
    name: 'sh.helm.release.v1.svcnew.v1',
  });
  const goneAt = await waitFor('the removed Component', 300_000, async () =>
    (await catalogCount(admin, 'kind=component,metadata.name=svcnew-su0')) === 0
      ? performance.now()
      : undefined,
  );
  log(
    `catalog after one change: new team's Group in ${secs(
      groupAt - c0,
    )}, new release's Component in ${secs(
      componentAt - c1,
    )}, removed release's Component gone in ${secs(goneAt - c2)}`,
  );

  // Same-run comparisons of what the fixes replaced (bench/scale/README.md).
  await compareListings(kube);

  // Sign-in, once per simulated user.
  const signers = Array.from({ length: Math.min(concurrentUsers, n) }, (_, i) =>
    userName(i),
  );
  const tokens: string[] = [];
  const s0 = performance.now();
  await forEachLimit(signers, 8, async name => {
    tokens.push(
      await signIn({ backend, app, username: name, password: password(name) }),
    );
  });
  log(`signed in ${tokens.length} users in ${secs(performance.now() - s0)}`);

  // The API mix against one replica, then round-robin across two (same
  // users, same duration), each with deploys through the portal and bare
  // helm alternating while it runs; then the pod storm.
  const deployer = await signIn({
    backend,
    app,
    username: userName(0),
    password: password(userName(0)),
  });
  const liftCpuLimits = replicaCpu
    ? limitCpu(
        [backendPid, backend2Pid].filter(Boolean) as number[],
        replicaCpu,
      )
    : undefined;
  if (replicaCpu) {
    log(`each replica limited to ${replicaCpu} core (a cgroup CPU quota each)`);
  }
  // Lifted also when the mix fails: the cgroups outlive the bench otherwise.
  try {
    if (!backend2) {
      await mixPhase('one replica', [backend], tokens, deployer);
    } else {
      // Both replicas warmed up first (the second has served nothing yet),
      // then one, two, two, one: a drift in the machine's load over the runs
      // (other work on the same cores) weighs on both sides alike.
      const warmUp = Math.min(15, seconds / 2);
      await runMix({
        backends: [backend, backend2],
        tokens,
        seconds: warmUp,
        thinkMs,
      });
      log(`warm-up: ${warmUp} s round-robin across both replicas, not counted`);
      const pages = { one: 0, two: 0 };
      for (const [i, which] of (
        ['one', 'two', 'two', 'one'] as const
      ).entries()) {
        const phase = await mixPhase(
          which === 'one'
            ? `one replica (${i + 1} of 4)`
            : `two replicas, round-robin (${i + 1} of 4)`,
          which === 'one' ? [backend] : [backend, backend2],
          tokens,
          deployer,
          `${which}${i}`,
        );
        pages[which] += phase.pagesPerSecond / 2;
      }
      log(
        `two replicas / one: ${(pages.two / pages.one).toFixed(
          2,
        )}x the throughput (${pages.two.toFixed(1)} against ${pages.one.toFixed(
          1,
        )} pages/s, means of two runs each)`,
      );
    }
  } finally {
    liftCpuLimits?.();
  }
  if (webhook) {
    await podStorm({
      core,
      namespaces: profiles.map(p => `knot-${p}`),
      count: stormPods,
      concurrency: stormConcurrency,
      webhook,
      webhookPid,
      log,
    });
  }
}

/** CPU share of one core and RSS of the backend replicas over a phase. */
function replicaUsage(pids: number[]) {
  const start = pids.map(pid => processUsage(pid));
  const othersStart = others.map(o => treeCpuSeconds(o.pid));
  const maxRss = start.map(u => u.rssMiB);
  const sampler = setInterval(() => {
    pids.forEach((pid, i) => {
      maxRss[i] = Math.max(maxRss[i], processUsage(pid).rssMiB);
    });
  }, 1000);
  return (seconds: number) => {
    clearInterval(sampler);
    const elsewhere = others.map(
      (o, i) =>
        `${o.name} ${(
          ((treeCpuSeconds(o.pid) - othersStart[i]) / seconds) *
          100
        ).toFixed(0)} %`,
    );
    const replicas = pids
      .map((pid, i) => {
        const u = processUsage(pid);
        const cpu = ((u.cpuSeconds - start[i].cpuSeconds) / seconds) * 100;
        const children =
          ((u.childCpuSeconds - start[i].childCpuSeconds) / seconds) * 100;
        return `replica ${i + 1} CPU ${cpu.toFixed(
          0,
        )} % + children (helm) ${children.toFixed(
          0,
        )} % of one core, RSS ${u.rssMiB.toFixed(0)} MiB (max ${Math.max(
          maxRss[i],
          u.rssMiB,
        ).toFixed(0)} MiB)`;
      })
      .join('; ');
    return elsewhere.length
      ? `${replicas}; elsewhere (% of one core): ${elsewhere.join(', ')}`
      : replicas;
  };
}

/** One run of the API mix (bench/scale/README.md) with deploys alongside. */
async function mixPhase(
  what: string,
  backends: string[],
  tokens: string[],
  deployer: string,
  prefix = backends.length > 1 ? 'two' : 'one',
) {
  const usage = replicaUsage(
    backend2Pid ? [backendPid, backend2Pid] : [backendPid],
  );
  const m0 = performance.now();
  // Pages/s, CPU and RSS over the mix itself (a deploy may end after it).
  let elapsed = 0;
  let replicas = '';
  const [{ pages: stats, paths }, deploys] = await Promise.all([
    runMix({ backends, tokens, seconds, thinkMs }).then(result => {
      elapsed = (performance.now() - m0) / 1000;
      replicas = usage(elapsed);
      return result;
    }),
    deploysDuringMix({
      backend,
      token: deployer,
      profile: userName(0),
      chartDir: `${repoRoot}/charts/hello-kubernetes`,
      rounds: deployRounds,
      pauseMs: (seconds * 1000) / (4 * deployRounds + 1),
      prefix,
    }),
  ]);
  log(
    `API mix, ${what}: ${
      tokens.length
    } users, think ${thinkMs} ms ±50 %, ${elapsed.toFixed(0)} s`,
  );
  let pages = 0;
  let errors = 0;
  for (const page of PAGES) {
    const s = summary(stats.get(page.name)!, elapsed);
    pages += s.count;
    errors += s.errors;
    for (const path of page.paths.length > 1 ? page.paths : []) {
      const p = summary(paths.get(path)!, elapsed);
      console.log(
        `      ${path.slice(0, 40).padEnd(40)} p50 ${p.p50
          .toFixed(0)
          .padStart(5)} ms  p95 ${p.p95.toFixed(0).padStart(5)} ms  errors ${
          p.errors
        }`,
      );
    }
    console.log(
      `  ${page.name.padEnd(9)} ${s.perSecond
        .toFixed(1)
        .padStart(6)} pages/s  p50 ${s.p50
        .toFixed(0)
        .padStart(5)} ms  p95 ${s.p95.toFixed(0).padStart(5)} ms  p99 ${s.p99
        .toFixed(0)
        .padStart(5)} ms  errors ${s.errors}${
        s.firstError ? ` (${s.firstError})` : ''
      }`,
    );
  }
  const pagesPerSecond = pages / elapsed;
  log(
    `  total ${pagesPerSecond.toFixed(
      1,
    )} pages/s, ${errors} errors; ${replicas}`,
  );
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  log(
    `  deploy during the mix: portal install route median ${ms(
      median(deploys.portal),
    )} (${deploys.portal.map(ms).join(', ')}), bare helm install median ${ms(
      median(deploys.bare),
    )} (${deploys.bare.map(ms).join(', ')}): ${(
      median(deploys.portal) / median(deploys.bare)
    ).toFixed(2)}x${
      deploys.errors.length
        ? `; ${deploys.errors.length} failed: ${deploys.errors[0]}`
        : ''
    }`,
  );
  return { pagesPerSecond };
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
