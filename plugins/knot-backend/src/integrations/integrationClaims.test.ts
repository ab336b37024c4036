import { ConfigReader } from '@backstage/config';
import {
  KNOT_VALUE_NAMES,
  knotClaimName,
} from '@knot-platform/plugin-knot-common';
import {
  createKnotOidc,
  migrateOidcDatabase,
} from '@knot-platform/plugin-knot-oidc';
import {
  createTestDatabases,
  formAction,
  loadOpenidClient,
  TestBrowser,
} from '@knot-platform/knot-test-utils';
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readOidcClients } from '../identity/oidc/oidcClients';
import {
  knotClaimsFor,
  storeAccountSource,
} from '../identity/oidc/storeAccountSource';
import { UserStore } from '../identity/UserStore';
import { readExposure } from '../releases/config';

const client = loadOpenidClient();
const databases = createTestDatabases();

jest.setTimeout(60_000);

/** An installation with every integration enabled. */
const config = new ConfigReader({
  app: { baseUrl: 'https://knot.example' },
  backend: { baseUrl: 'https://knot.example' },
  knot: {
    integrations: {
      jupyterhub: {
        url: 'https://jupyter.example',
        oidc: { clientSecret: 'hub-secret' },
      },
      argoWorkflows: {
        url: 'https://argo.example/',
        oidc: { clientSecret: 'argo-secret' },
      },
      harbor: {
        url: 'https://harbor.example',
        oidc: { clientSecret: 'harbor-secret' },
      },
      grafana: {
        url: 'https://grafana.example',
        oidc: { clientSecret: 'grafana-secret' },
      },
    },
  },
});

describe('the ID token with every integration enabled', () => {
  let server: Server;
  let app: express.Express;

  beforeAll(async () => {
    const [[databaseId]] = databases.eachSupportedId();
    const knex = await databases.init(databaseId);
    const store = await UserStore.create({
      database: { getClient: async () => knex },
    });
    await store.signUp({
      username: 'alice',
      email: 'alice@example.com',
      password: 'alice password',
    });
    await store.setActive('alice', true);
    await store.signUp({ username: 'chief', password: 'chief password' });
    await store.setActive('chief', true);
    server = createServer((req, res) => app(req, res));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/oidc`;
    await migrateOidcDatabase(knex);
    // The plugin's own readers: the clients and claims come from config.
    const oidc = await createKnotOidc({
      issuer,
      knex,
      accounts: storeAccountSource(
        store,
        knotClaimsFor({
          namespacePrefix: 'knot-',
          ingressUrl: 'https://knot.example',
          urls: readExposure(config).urls,
        }),
        async username => username === 'chief',
      ),
      clients: readOidcClients(config),
    });
    app = express();
    app.use('/oidc', oidc.router);
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  /** Signs `user` in to a client; the ID token's claims. */
  async function signIn(
    clientId: string,
    secret: string,
    redirectUri: string,
    user: string,
  ) {
    const issuer = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/oidc`;
    const rp = await client.discovery(
      new URL(issuer),
      clientId,
      undefined,
      client.ClientSecretBasic(secret),
      { execute: [client.allowInsecureRequests] },
    );
    const verifier = client.randomPKCECodeVerifier();
    const browser = new TestBrowser(redirectUri);
    const login = await browser.go(
      client.buildAuthorizationUrl(rp, {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).href,
    );
    expect(login.body).toContain('Sign in to Knot');
    // The admin consented for the users: no consent page.
    const done = await browser.go(formAction(login.body, login.url), {
      username: user,
      password: `${user} password`,
    });
    expect(done.location?.startsWith(`${redirectUri}?code=`)).toBe(true);
    const tokens = await client.authorizationCodeGrant(
      rp,
      new URL(done.location!),
      { pkceCodeVerifier: verifier },
    );
    return tokens.claims()!;
  }

  it.each([
    ['jupyterhub', 'hub-secret', 'https://jupyter.example/hub/oauth_callback'],
    ['argo-workflows', 'argo-secret', 'https://argo.example/oauth2/callback'],
    ['harbor', 'harbor-secret', 'https://harbor.example/c/oidc/callback'],
    [
      'grafana',
      'grafana-secret',
      'https://grafana.example/login/generic_oauth',
    ],
  ])(
    "signs in to %s and carries every knot_* claim of the seeds' table",
    async (clientId, secret, redirectUri) => {
      const claims = await signIn(clientId, secret, redirectUri, 'alice');
      expect(claims.aud).toBe(clientId);
      // Every value of the table, optional URLs included, and nothing else.
      expect(
        Object.keys(claims)
          .filter(name => name.startsWith('knot_'))
          .sort(),
      ).toEqual(KNOT_VALUE_NAMES.map(knotClaimName).sort());
      expect(claims).toMatchObject({
        knot_username: 'alice',
        knot_namespace: 'knot-alice',
        knot_ingress_url: 'https://knot.example',
        knot_private_dir: '/private',
        knot_shared_dir: '/shared',
        knot_argo_workflows_url: 'https://argo.example',
        knot_private_registry_url: 'harbor.example/alice',
        knot_public_registry_url: 'harbor.example/library',
        knot_private_repo_url: 'oci://harbor.example/alice',
        knot_public_repo_url: 'oci://harbor.example/library',
      });
    },
  );

  it('says who is a Knot admin in the roles claim (Grafana maps Admin from it)', async () => {
    const grafana = [
      'grafana',
      'grafana-secret',
      'https://grafana.example/login/generic_oauth',
    ] as const;
    expect((await signIn(...grafana, 'chief')).roles).toEqual(['admin']);
    expect((await signIn(...grafana, 'alice')).roles).toEqual([]);
  });
});
