import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import {
  approve,
  BACKEND_URL,
  expect,
  FIRST_ADMIN,
  INGRESS,
  openKnotLogin,
  signInWithKnot,
  signUp,
  test,
} from '../fixtures';

/**
 * A real JupyterHub (PyPI's jupyterhub, oauthenticator, kubespawner, npm's
 * configurable-http-proxy; scripts/jupyterhub.sh) on loopback, configured by
 * integrations/jupyterhub/jupyterhub_config.py as shipped: it signs users in
 * on Knot's login page and starts their servers in their Knot namespace,
 * where Knot's webhook mounts /private and /shared.
 */

const HUB_BIN = process.env.KNOT_JUPYTERHUB_BIN;
const HUB_PORT = Number(process.env.KNOT_E2E_HUB_PORT ?? 0);
const API_TOKEN = process.env.KNOT_E2E_HUB_API_TOKEN ?? '';
const HUB = `http://127.0.0.1:${HUB_PORT}`;
const CONFIG = resolve(__dirname, '../../integrations/jupyterhub');
/** The hub's client at Knot, as the e2e portal configures it. */
const CLIENT_SECRET: string = JSON.parse(
  readFileSync(resolve(__dirname, '../app-config.integrations.json'), 'utf8'),
).knot.integrations.jupyterhub.oidc.clientSecret;
/** Knot's own notebook image (dev/images/jupyter, with jupyterhub-singleuser). */
const IMAGE = (() => {
  const env = readFileSync(
    resolve(__dirname, '../../dev/images/images.env'),
    'utf8',
  );
  const value = (name: string) =>
    env.match(new RegExp(`^${name}=(.+)$`, 'm'))![1].trim();
  return `${value('KNOT_IMAGE_REGISTRY')}/${value('IMAGE_jupyter')}`;
})();

test.describe.configure({ mode: 'serial' });
test.skip(
  !HUB_BIN || !HUB_PORT || !API_TOKEN,
  'scripts/test installs JupyterHub (scripts/jupyterhub.sh) and configures the portal for it',
);

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, { encoding: 'utf8' });
}

interface Account {
  username: string;
  password: string;
}
/** Shared by the serial tests: the first makes them. */
let admin: Page;
let alice: Account;
let bob: Account;
let aliceHub: Page;
let bobHub: Page;

let hub: ChildProcess | undefined;
let hubDir = '';
let hubLog: WriteStream | undefined;
const namespaces = new Set<string>();

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // The issuer the hub sends browsers to: the portal's public URL (behind
  // the ingress with the real node). The hub itself talks to the backend
  // on loopback, as an in-cluster hub would talk to Knot's Service.
  const discovery = await fetch(
    `${BACKEND_URL}/api/knot/oidc/.well-known/openid-configuration`,
  );
  const { issuer } = (await discovery.json()) as { issuer: string };
  // Servers call the hub's API: with the real node they reach the host at
  // the node's address (the pods' gateway), never on loopback.
  const hubApiHost = INGRESS
    ? kubectl(
        'get',
        'node',
        'real-node',
        '-o',
        'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}',
      ).trim()
    : '127.0.0.1';
  const hubApi = `http://${hubApiHost}:${HUB_PORT + 2}`;
  hubDir = mkdtempSync(join(tmpdir(), 'knot-e2e-hub-'));
  hubLog = createWriteStream(join(hubDir, 'hub.log'));
  hub = spawn(
    join(HUB_BIN!, 'jupyterhub'),
    [
      '-f',
      join(CONFIG, 'jupyterhub_config.py'),
      `--JupyterHub.bind_url=${HUB}`,
      `--JupyterHub.hub_bind_url=${hubApi}`,
      `--JupyterHub.hub_connect_url=${hubApi}`,
      `--ConfigurableHTTPProxy.api_url=http://127.0.0.1:${HUB_PORT + 1}`,
      `--JupyterHub.db_url=sqlite:///${join(hubDir, 'jupyterhub.sqlite')}`,
      `--JupyterHub.cookie_secret_file=${join(hubDir, 'cookie_secret')}`,
    ],
    {
      cwd: hubDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PATH: `${HUB_BIN}:${process.env.PATH}`,
        KNOT_OIDC_ISSUER: issuer,
        KNOT_OIDC_BACKCHANNEL_URL: `${BACKEND_URL}/api/knot/oidc`,
        OAUTH_CLIENT_ID: 'jupyterhub',
        OAUTH_CLIENT_SECRET: CLIENT_SECRET,
        OAUTH_CALLBACK_URL: `${HUB}/hub/oauth_callback`,
        JUPYTERHUB_CRYPT_KEY: randomBytes(32).toString('hex'),
        KNOT_API_URL: BACKEND_URL,
        KNOT_API_TOKEN: API_TOKEN,
        KNOT_SINGLEUSER_IMAGE: IMAGE,
      },
    },
  );
  hub.stdout!.pipe(hubLog, { end: false });
  hub.stderr!.pipe(hubLog, { end: false });
  await expect
    .poll(
      async () => {
        expect(hub!.exitCode, 'the hub exited').toBeNull();
        return fetch(`${HUB}/hub/health`).then(
          r => r.status,
          () => 0,
        );
      },
      { timeout: 90_000, intervals: [500] },
    )
    .toBe(200);
});

test.afterAll(async () => {
  if (hub?.pid && hub.exitCode === null) {
    const exited = new Promise(done => hub!.once('exit', done));
    // The hub stops the servers it started on its way out.
    process.kill(-hub.pid, 'SIGTERM');
    await Promise.race([exited, new Promise(done => setTimeout(done, 30_000))]);
    if (hub.exitCode === null) process.kill(-hub.pid, 'SIGKILL');
  }
  for (const namespace of namespaces) {
    kubectl(
      'delete',
      'pods',
      '-n',
      namespace,
      '-l',
      'component=singleuser-server',
      '--ignore-not-found',
      '--wait=false',
    );
  }
  hubLog?.end();
  if (hubDir) rmSync(hubDir, { recursive: true, force: true });
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus || !hubDir) return;
  await testInfo.attach('hub.log', {
    body: readFileSync(join(hubDir, 'hub.log')),
    contentType: 'text/plain',
  });
});

/** A Knot account made on Knot's login page; approved unless no `admin`. */
async function newAccount(
  page: Page,
  admin: Page | undefined,
  prefix: string,
): Promise<Account> {
  const username = `${prefix}-${Date.now().toString(36)}`;
  const password = `${prefix} e2e password`;
  const login = await openKnotLogin(page);
  await signUp(login, username, password);
  // The portal reuses an open sign-in window: the next sign-up needs a new one.
  await login.close();
  if (admin) {
    await approve(admin, username);
    // Provisioning made the profile's namespace and its volumes.
    await expect
      .poll(
        () => {
          try {
            return kubectl(
              'get',
              'pvc',
              'knot-private',
              'knot-shared',
              '-n',
              `knot-${username}`,
              '-o',
              'name',
            ).trim();
          } catch {
            return '';
          }
        },
        { timeout: 60_000 },
      )
      .toBe(
        'persistentvolumeclaim/knot-private\npersistentvolumeclaim/knot-shared',
      );
  }
  return { username, password };
}

/**
 * Opens the hub in a browser of its own: the hub sends it to Knot's login
 * page, where `username` signs in.
 */
async function hubSignIn(browser: Browser, account: Account): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${HUB}/hub/`);
  await expect(
    page.getByRole('heading', { name: 'Sign in to Knot' }),
  ).toBeVisible();
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

/** The single-user server pods of `user` in `namespace`. */
function serverPods(namespace: string, user: string) {
  const list = JSON.parse(
    kubectl(
      'get',
      'pods',
      '-n',
      namespace,
      '-l',
      'component=singleuser-server',
      '-o',
      'json',
    ),
  ) as { items: any[] };
  return list.items.filter(
    pod => pod.metadata.annotations?.['hub.jupyter.org/username'] === user,
  );
}

/** Waits for `user`'s server pod in `namespace`; its spec. */
async function serverPod(namespace: string, user: string) {
  namespaces.add(namespace);
  await expect
    .poll(() => serverPods(namespace, user).length, { timeout: 60_000 })
    .toBe(1);
  return serverPods(namespace, user)[0];
}

/** What Knot's webhook put into the pod, for `profile`. */
function expectKnotInjections(pod: any, profile: string) {
  const volumes = Object.fromEntries(
    pod.spec.volumes.map((v: any) => [v.name, v.persistentVolumeClaim]),
  );
  expect(volumes['knot-private']).toEqual({ claimName: 'knot-private' });
  expect(volumes['knot-shared']).toEqual({ claimName: 'knot-shared' });
  const [container] = pod.spec.containers;
  const mounts = Object.fromEntries(
    container.volumeMounts.map((m: any) => [m.mountPath, m.name]),
  );
  expect(mounts['/private']).toBe('knot-private');
  expect(mounts['/shared']).toBe('knot-shared');
  const env = Object.fromEntries(
    container.env.map((e: any) => [e.name, e.value]),
  );
  expect(env).toMatchObject({
    KNOT_USERNAME: profile,
    KNOT_NAMESPACE: `knot-${profile}`,
    KNOT_PRIVATE_DIR: '/private',
    KNOT_SHARED_DIR: '/shared',
  });
  expect(container.image).toBe(IMAGE);
}

/**
 * Stops the user's server through the hub's REST API, once the hub lets it
 * (a spawn still starting may refuse to be interrupted).
 */
async function stopServer(page: Page, user: string) {
  // The spawn-pending page moves on to the server by itself once it is up,
  // which may interrupt this navigation: go again until the home stays.
  await expect(async () => {
    await page.goto(`${HUB}/hub/home`);
    await expect(page).toHaveURL(`${HUB}/hub/home`);
  }).toPass({ timeout: 60_000 });
  await expect
    .poll(
      () =>
        page.evaluate(async name => {
          const xsrf = (window as any).jhdata.xsrf_token as string;
          const response = await fetch(`/hub/api/users/${name}/server`, {
            method: 'DELETE',
            headers: { 'X-XSRFToken': xsrf },
          });
          return response.status;
        }, user),
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBeLessThan(300);
}

test('users sign in to JupyterHub on Knot’s login page; each server starts in the user’s own namespace with /private, /shared and KNOT_*', async ({
  browser,
  page,
}) => {
  test.setTimeout(300_000);
  admin = await (await browser.newContext()).newPage();
  await signInWithKnot(admin, FIRST_ADMIN.username, FIRST_ADMIN.password);
  alice = await newAccount(page, admin, 'hubalice');
  bob = await newAccount(page, admin, 'hubbob');

  aliceHub = await hubSignIn(browser, alice);
  // Back at the hub, signed in as the Knot user.
  await expect(aliceHub).toHaveURL(new RegExp(`^${HUB}/hub/`));
  await expect(aliceHub.locator('#login_widget')).toContainText(alice.username);
  await aliceHub.goto(`${HUB}/hub/spawn`);
  await aliceHub.getByRole('button', { name: 'Start' }).click();
  const alicePod = await serverPod(`knot-${alice.username}`, alice.username);
  expectKnotInjections(alicePod, alice.username);

  if (INGRESS) {
    // The real node runs it: the hub's proxy opens JupyterLab, whose files
    // are the profile's /private.
    await expect(aliceHub).toHaveURL(
      new RegExp(`^${HUB}/user/${alice.username}/lab`),
      { timeout: 180_000 },
    );
    const file = `from-the-pod-${Date.now().toString(36)}.txt`;
    kubectl(
      'exec',
      '-n',
      `knot-${alice.username}`,
      alicePod.metadata.name,
      '--',
      'touch',
      `/private/${file}`,
    );
    const contents = await aliceHub.request.get(
      `${HUB}/user/${alice.username}/api/contents/`,
    );
    expect(contents.status()).toBe(200);
    const names = ((await contents.json()).content as any[]).map(f => f.name);
    expect(names).toContain(file);
  }

  bobHub = await hubSignIn(browser, bob);
  await expect(bobHub.locator('#login_widget')).toContainText(bob.username);
  await bobHub.goto(`${HUB}/hub/spawn`);
  await bobHub.getByRole('button', { name: 'Start' }).click();
  expectKnotInjections(
    await serverPod(`knot-${bob.username}`, bob.username),
    bob.username,
  );
  // Neither lands in the other's namespace.
  expect(serverPods(`knot-${alice.username}`, bob.username)).toHaveLength(0);
  expect(serverPods(`knot-${bob.username}`, alice.username)).toHaveLength(0);

  await stopServer(aliceHub, alice.username);
  await stopServer(bobHub, bob.username);

  // The hub's log never shows its secrets.
  const log = readFileSync(join(hubDir, 'hub.log'), 'utf8');
  expect(log).not.toContain(CLIENT_SECRET);
  expect(log).not.toContain(API_TOKEN);
});

test('a user awaiting approval is refused on Knot’s login page and never reaches the hub', async ({
  browser,
  page,
}) => {
  const carol = await newAccount(page, undefined, 'hubcarol');
  const carolHub = await hubSignIn(browser, carol);
  await expect(carolHub.getByRole('alert')).toContainText(
    'Your account is awaiting approval by an admin',
  );
  await carolHub.goto(`${HUB}/hub/home`);
  await expect(
    carolHub.getByRole('heading', { name: 'Sign in to Knot' }),
  ).toBeVisible();
});

test('Knot admins are the hub’s admins; other users are not', async ({
  browser,
}) => {
  await aliceHub.goto(`${HUB}/hub/home`);
  await expect(aliceHub.getByRole('link', { name: 'Token' })).toBeVisible();
  await expect(aliceHub.getByRole('link', { name: 'Admin' })).toHaveCount(0);

  const adminHub = await hubSignIn(browser, FIRST_ADMIN);
  await adminHub.goto(`${HUB}/hub/home`);
  await expect(adminHub.getByRole('link', { name: 'Admin' })).toBeVisible();
});

test('a team member starts a server as the team, in the team’s namespace; a viewer of the team is refused with Knot’s reason', async ({
  signIn,
}) => {
  test.setTimeout(300_000);
  const team = `hubteam-${Date.now().toString(36)}`;

  // Alice makes the team and invites Bob, who accepts; she makes him a viewer.
  const alicePortal = await signIn(alice.username, alice.password);
  await alicePortal.goto('/knot/teams');
  await alicePortal.getByLabel('New team name').fill(team);
  await alicePortal.getByRole('button', { name: 'Create team' }).click();
  const card = alicePortal.getByRole('region', { name: `Team ${team}` });
  await expect(card).toContainText('you: owner');
  await card.getByLabel('Username to invite').fill(bob.username);
  await card.getByRole('button', { name: 'Invite' }).click();
  await expect(card).toContainText(`invited: ${bob.username} (member)`);
  const bobPortal = await signIn(bob.username, bob.password);
  await bobPortal.goto('/knot/teams');
  await bobPortal
    .getByRole('group', { name: `Invitation to ${team}` })
    .getByRole('button', { name: 'Accept' })
    .click();
  await expect(
    bobPortal.getByRole('region', { name: `Team ${team}` }),
  ).toContainText('you: member');
  await alicePortal.reload();
  await card.getByLabel(`Role of ${bob.username}`).selectOption('viewer');
  await expect(
    card
      .getByRole('table', { name: `Who has access to ${team}` })
      .getByRole('row', { name: new RegExp(bob.username) }),
  ).toContainText('read-only');

  // Alice picks the team on the hub's spawn form.
  await aliceHub.goto(`${HUB}/hub/spawn`);
  await aliceHub.locator(`input[name=profile][value="${team}"]`).check();
  await aliceHub.getByRole('button', { name: 'Start' }).click();
  expectKnotInjections(await serverPod(`knot-${team}`, alice.username), team);
  if (INGRESS) {
    await expect(aliceHub).toHaveURL(
      new RegExp(`^${HUB}/user/${alice.username}/lab`),
      { timeout: 180_000 },
    );
  }
  expect(serverPods(`knot-${alice.username}`, alice.username)).toHaveLength(0);
  await stopServer(aliceHub, alice.username);

  // Bob is offered the team (Knot lets viewers look), but Knot's rule
  // refuses deploying as it: no pod.
  await bobHub.goto(`${HUB}/hub/spawn`);
  await bobHub.locator(`input[name=profile][value="${team}"]`).check();
  await bobHub.getByRole('button', { name: 'Start' }).click();
  await expect(bobHub.locator('body')).toContainText(
    `As a viewer of team '${team}' you may look, but not deploy`,
  );
  expect(serverPods(`knot-${team}`, bob.username)).toHaveLength(0);
});

test('a deactivated user can no longer start a server', async () => {
  await admin.goto('/knot/admin');
  const row = admin.getByTestId(`user-${bob.username}`);
  await row.getByRole('button', { name: 'Deactivate' }).click();
  await expect(row).toContainText('awaiting approval');

  await bobHub.goto(`${HUB}/hub/spawn`);
  await expect(bobHub.locator('body')).toContainText(
    `Your Knot account '${bob.username}' is not active`,
  );
  // Posting the spawn form anyway (a page opened before) starts nothing:
  // the hub asks Knot again before spawning.
  await bobHub.evaluate(async name => {
    const xsrf = (window as any).jhdata.xsrf_token as string;
    await fetch('/hub/spawn', {
      method: 'POST',
      body: new URLSearchParams({ profile: name, _xsrf: xsrf }),
      redirect: 'manual',
    });
  }, bob.username);
  await new Promise(done => setTimeout(done, 5_000));
  expect(serverPods(`knot-${bob.username}`, bob.username)).toHaveLength(0);
});
