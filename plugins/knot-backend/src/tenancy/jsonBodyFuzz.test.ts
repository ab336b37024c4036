import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  routeTable,
  seededRandom,
  seedKnotUsers,
  startKnotTestBackend,
} from '@knot-platform/knot-test-utils';
import {
  KNOT_VALUES_KEY,
  USERNAME_PATTERN,
} from '@knot-platform/plugin-knot-common';
import type { Knex } from 'knex';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  BAD_NAMES,
  BAD_PATHS,
  Fuzz,
  INVALID_JSON,
  Obj,
  Raw,
  TRICKY_KEYS,
  WRONG_TYPES,
  write,
  type Json,
} from './jsonFuzz';

// ~4 ms per input (requests in batches, a read of the whole state after
// each batch): ~45 s alone, more beside the other suites.
jest.setTimeout(300_000);

const databases = createTestDatabases();

/** Change it to explore; the failures print the seed and the input. */
const SEED = 20261202;
/** Bad bodies in all (distinct ones), shared out evenly between the routes. */
const TOTAL_INPUTS = 10_500;
/** Inputs sent at once, between two reads of the state. */
const BATCH = 8;

/** A field of a body: a value that passes, and values that must not. */
interface Field {
  good: Json;
  /** Bad values of this field besides {@link WRONG_TYPES}. */
  bad: readonly Json[];
  /** Random bad strings of this field (whatever the fuzz drew). */
  badText?: (text: string) => string;
  required?: boolean;
  /**
   * Whether a value would make the request valid (with the other fields
   * good): drawn values it accepts are not sent. Default: none does.
   */
  accepts?: (value: Json) => boolean;
}

/** A JSON-body route: who calls it, the path it is tried at, its fields. */
interface BodyRoute {
  caller: 'alice' | 'dana';
  path: string;
  fields: Record<string, Field>;
  /** An empty body (`{}`) is a valid request: never sent. */
  emptyIsValid?: boolean;
}

const USERS = ['alice', 'bob', 'carol', 'dana'];
const isBoolean = (v: Json) => typeof v === 'boolean';
const isUser = (v: Json) => typeof v === 'string' && USERS.includes(v);

const nameText = (t: string) => `${t}A/`; // upper case and a slash: no name
const pathText = (t: string) => `../${t}`;

/**
 * A dataset request; the good endpoint has nobody listening, so even a
 * body that passed would be refused (unreachable) before anything is made.
 */
const DATASET_FIELDS: Record<string, Field> = {
  name: {
    good: 'data',
    bad: BAD_NAMES.filter(n => n !== 'kube-system'),
    badText: nameText,
    required: true,
  },
  type: { good: 's3', bad: ['', 'S3', 'nfs', 'cos'], required: true },
  endpoint: {
    good: 'http://127.0.0.1:9',
    bad: [
      '',
      's3.example.org',
      'ftp://127.0.0.1',
      'file:///etc/passwd',
      'http://key:secret@127.0.0.1',
      'http://127.0.0.1/bucket',
      'http://127.0.0.1/?x=1',
      `http://${'a'.repeat(2048)}.org`,
    ],
    badText: t => `ftp://${t}`,
    required: true,
  },
  bucket: {
    good: 'bucket',
    bad: ['', 'ab', 'Bucket', 'a_b', '.ab', 'ab-', 'a..b', 'b'.repeat(64)],
    badText: t => `${t}_B`,
    required: true,
  },
  prefix: { good: 'folder', bad: ['..', 'a/../b', 'a//b', 'a\u0000b'] },
  region: { good: 'us-east-1', bad: ['EU WEST', 'r'.repeat(33)] },
  accessKey: {
    good: 'key',
    bad: ['', 'a key', 'k\u00e9y', 'k'.repeat(129)],
    required: true,
  },
  secretKey: {
    good: 'secret',
    bad: ['', 'a secret', 's'.repeat(257)],
    required: true,
  },
  readOnly: { good: true, bad: ['true', 1, 0], accepts: isBoolean },
};

const DIGEST = `sha256:${'a'.repeat(64)}`;
const blob = (digest: string, size: number) =>
  new Obj([
    ['digest', digest],
    ['size', size],
  ]);

const BODY_ROUTES: Record<string, BodyRoute> = {
  // A grant for browser pushes (off here: a good body gets 404).
  'POST /images/pushes': {
    caller: 'alice',
    path: '/images/pushes',
    fields: {
      repository: {
        good: 'alice/env',
        bad: [
          '',
          'bob/env',
          'shared/env',
          'alice',
          'alice/../bob',
          'Alice/env',
        ],
        badText: pathText,
        required: true,
      },
      tag: { good: 'v1', bad: ['', '-v', 'a/b', '.v'], required: true },
      blobs: {
        good: [blob(DIGEST, 1)],
        bad: [
          [blob('sha256:x', 1)],
          [blob(DIGEST, -1)],
          [blob(DIGEST, 1.5)],
          [new Obj([['digest', DIGEST]])],
          [DIGEST],
          [null],
        ],
        required: true,
      },
    },
  },
  // The portal's note of a profile switch (the audit log).
  'POST /profile/switch': {
    caller: 'alice',
    path: '/profile/switch',
    emptyIsValid: true,
    fields: {
      previous: {
        good: 'alice',
        bad: BAD_NAMES,
        badText: nameText,
        accepts: v =>
          v === null || (typeof v === 'string' && USERNAME_PATTERN.test(v)),
      },
    },
  },
  'POST /me/password': {
    caller: 'alice',
    path: '/me/password',
    fields: {
      // alice has no password: every current password is wrong.
      currentPassword: {
        good: 'the-current-password-1',
        bad: ['', ' '],
        badText: t => t,
        required: true,
      },
      newPassword: {
        good: 'A-long-new-passw0rd',
        bad: ['', 'short', ' '],
        required: true,
      },
    },
  },
  'PATCH /users/:username': {
    caller: 'dana',
    path: '/users/alice',
    fields: {
      active: {
        good: false,
        bad: ['true', 'false', 'yes', 1, 0],
        accepts: isBoolean,
      },
      admin: { good: true, bad: ['true', 'false', 1, 0], accepts: isBoolean },
    },
  },
  'POST /teams': {
    caller: 'dana',
    path: '/teams',
    fields: {
      name: {
        good: 'newteam',
        bad: BAD_NAMES,
        badText: nameText,
        accepts: v => typeof v === 'string' && USERNAME_PATTERN.test(v),
      },
      members: {
        good: ['alice'],
        bad: [
          ['alice', 'ghost'],
          ['ghost'],
          ['alice', 't'],
          ['t'],
          ['alice', ''],
          ['alice', null],
          ['alice', 1],
          ['alice', ['bob']],
          ['ALICE'],
          ['../alice'],
          'alice',
        ],
        accepts: v => Array.isArray(v) && v.every(isUser),
      },
    },
  },
  'PATCH /teams/:team': {
    caller: 'dana',
    path: '/teams/t',
    fields: {
      active: {
        good: true,
        bad: ['true', false, 1, 0],
        required: true,
        accepts: v => v === true,
      },
    },
  },
  'POST /me/teams': {
    caller: 'alice',
    path: '/me/teams',
    fields: {
      name: {
        good: 'newteam',
        bad: [...BAD_NAMES, 'bob', 't'],
        badText: nameText,
        required: true,
        accepts: v =>
          typeof v === 'string' &&
          USERNAME_PATTERN.test(v) &&
          !USERS.includes(v) &&
          v !== 't',
      },
    },
  },
  // alice owns team t (seeded below); carol is a member, bob is not.
  'POST /me/teams/:team/invitations': {
    caller: 'alice',
    path: '/me/teams/t/invitations',
    fields: {
      username: {
        good: 'bob',
        bad: [...BAD_NAMES, 'ghost', 't', 'carol', 'alice'],
        badText: nameText,
        required: true,
        accepts: v => v === 'bob' || v === 'dana',
      },
      role: {
        good: 'viewer',
        bad: ['', 'Owner', 'admin', 'viewer '],
        required: true,
      },
    },
  },
  'PUT /me/teams/:team/members/:username/role': {
    caller: 'alice',
    path: '/me/teams/t/members/carol/role',
    fields: {
      role: {
        good: 'viewer',
        bad: ['', 'Owner', 'admin', 'viewer '],
        required: true,
      },
    },
  },
  'POST /me/teams/:team/transfer': {
    caller: 'alice',
    path: '/me/teams/t/transfer',
    fields: {
      username: {
        good: 'carol',
        bad: [...BAD_NAMES, 'ghost', 't', 'bob', 'alice'],
        badText: nameText,
        required: true,
        accepts: v => v === 'carol',
      },
    },
  },
  'POST /teams/:team/members': {
    caller: 'dana',
    path: '/teams/t/members',
    fields: {
      username: {
        good: 'bob',
        bad: [...BAD_NAMES, 'ghost', 't', 'newteam'],
        badText: nameText,
        required: true,
        accepts: isUser,
      },
    },
  },
  'POST /provisioning/reconcile': {
    caller: 'dana',
    path: '/provisioning/reconcile',
    emptyIsValid: true,
    fields: {
      profile: {
        good: 'alice',
        bad: BAD_NAMES,
        badText: nameText,
        accepts: v => typeof v === 'string' && USERNAME_PATTERN.test(v),
      },
    },
  },
  'DELETE /provisioning/folders/:name': {
    caller: 'dana',
    path: '/provisioning/folders/alice',
    fields: {
      // The only good confirmation would delete alice's data: never sent.
      confirm: {
        good: 'not-alice',
        bad: ['Alice', 'alice ', ' alice', 'alice\u0000', 'bob', ''],
        badText: t => `x${t}`,
        required: true,
        accepts: v => v === 'alice',
      },
    },
  },
  'POST /forward-auth/session': {
    caller: 'alice',
    path: '/forward-auth/session',
    emptyIsValid: true,
    fields: {
      rd: {
        good: 'https://hello-alice.knot.localtest.me/',
        bad: [
          'https://evil.example/',
          'https://knot.localtest.me.evil.example/',
          'https://evilknot.localtest.me/',
          '//evil.example/',
          // eslint-disable-next-line no-script-url -- a URL to refuse
          'javascript:alert(1)',
          'data:text/html,<script>alert(1)</script>',
          'file:///etc/passwd',
          'https://hello-alice.knot.localtest.me@evil.example/',
          '/relative',
        ],
        badText: t => `https://evil.example/${t}`,
        // No rd (or an empty one) is no redirect: valid.
        accepts: v =>
          v === '' ||
          (typeof v === 'string' &&
            URL.canParse(v) &&
            new URL(v).hostname.endsWith('.knot.localtest.me')),
      },
    },
  },
  'POST /files/:domain/mkdir': {
    caller: 'alice',
    path: '/files/private/mkdir',
    fields: {
      path: { good: 'new', bad: BAD_PATHS, badText: pathText, required: true },
    },
  },
  'POST /files/:domain/rename': {
    caller: 'alice',
    path: '/files/private/rename',
    fields: {
      from: {
        good: 'keep.txt',
        bad: [...BAD_PATHS, 'missing.txt', 'keep.txt/x'],
        badText: pathText,
        required: true,
      },
      to: {
        good: 'moved.txt',
        bad: [...BAD_PATHS, 'folder/keep.txt/x'],
        badText: pathText,
        required: true,
      },
    },
  },
  'POST /datasets': {
    caller: 'alice',
    path: '/datasets',
    fields: DATASET_FIELDS,
  },
  'POST /datasets/test': {
    caller: 'alice',
    path: '/datasets/test',
    fields: DATASET_FIELDS,
  },
  'POST /services': {
    caller: 'alice',
    path: '/services',
    fields: {
      // No chart is offered here: a request that passes reaches no cluster.
      chart: {
        good: 'no-such-chart',
        bad: [''],
        badText: t => `zz-${t}`,
        required: true,
      },
      name: {
        good: 'web',
        bad: [...BAD_NAMES, 'Web', '1web', 'a'.repeat(54)],
        badText: nameText,
        required: true,
      },
      version: { good: '1.0.0', bad: [''] },
      chartProfile: { good: 'alice', bad: [''] },
      values: { good: new Obj([['replicas', 1]]), bad: ['x', 1, []] },
    },
  },
  'POST /services/:name/shares': {
    caller: 'alice',
    path: '/services/hello/shares',
    fields: {
      grantee: {
        good: 'bob',
        bad: [...BAD_NAMES, 'ghost', 'alice'],
        badText: nameText,
        required: true,
        accepts: v =>
          typeof v === 'string' && v !== 'alice' && [...USERS, 't'].includes(v),
      },
      expiresAt: {
        good: '2999-01-01T00:00:00Z',
        bad: ['tomorrow', '2020-01-01T00:00:00Z', '2999-13-01'],
        // None (until revoked), or a date and time to come.
        accepts: v =>
          v === null ||
          v === '' ||
          (typeof v === 'string' && Date.parse(v) > Date.now()),
      },
    },
  },
  'PUT /services/:name/values': {
    caller: 'alice',
    path: '/services/hello/values',
    fields: {
      values: {
        good: new Obj([['replicas', 1]]),
        bad: [
          'x',
          new Obj([[KNOT_VALUES_KEY, new Obj([['profile', 'bob']])]]),
          new Obj([
            ['a', 1],
            [KNOT_VALUES_KEY, null],
          ]),
        ],
        required: true,
        accepts: v =>
          v instanceof Obj && !v.entries.some(([k]) => k === KNOT_VALUES_KEY),
      },
    },
  },
  'PUT /services/:name/keep-running': {
    caller: 'alice',
    path: '/services/hello/keep-running',
    fields: {
      keepRunning: {
        good: true,
        bad: ['true', 'false', 1, 0, null],
        required: true,
        accepts: isBoolean,
      },
    },
  },
  'PUT /admin/quotas/:profile': {
    caller: 'dana',
    path: '/admin/quotas/alice',
    fields: {
      quota: {
        good: new Obj([['requests.cpu', '2']]),
        bad: [
          'x',
          1,
          [],
          new Obj([['cpu', '1']]),
          new Obj([['__proto__', '1']]),
          new Obj([['requests.cpu', 'seven']]),
          new Obj([['requests.cpu', '-1']]),
          new Obj([['requests.cpu', '']]),
          new Obj([['requests.cpu', null]]),
          new Obj([['requests.cpu', new Obj([])]]),
          new Obj([['requests.cpu', '1'.repeat(65)]]),
          new Obj([['pods', '1.5']]),
        ],
        required: true,
        // No overrides at all (clears them) is valid; a drawn map of known
        // resources to quantities is too unlikely to bother with.
        accepts: v => v instanceof Obj && v.entries.length === 0,
      },
    },
  },
};
// The quota fit checks take the bodies of an install and of "Change values".
BODY_ROUTES['POST /services/fit'] = {
  ...BODY_ROUTES['POST /services'],
  path: '/services/fit',
};
BODY_ROUTES['POST /services/:name/fit'] = {
  ...BODY_ROUTES['PUT /services/:name/values'],
  path: '/services/hello/fit',
};
/** Bad bodies per route: a new route takes its share of the same total. */
const PER_ROUTE = Math.ceil(TOTAL_INPUTS / Object.keys(BODY_ROUTES).length);

/** Routes that take a body that is no JSON, or none: why not fuzzed here. */
const NOT_JSON: Record<string, string> = {
  'DELETE /.backstage/auth/v1/cookie': "Backstage's own",
  'POST /.well-known/backstage/permissions/apply-conditions': "Backstage's own",
  'DELETE /admin/quotas/:profile': 'no body',
  'DELETE /datasets/:name': 'no body',
  'DELETE /files/:domain': 'no body (the path is a query parameter)',
  'PUT /files/:domain/file': "the file's raw bytes (filesRouter.safety)",
  'POST /files/:domain/upload': 'multipart (filesRouter.safety)',
  'DELETE /images': 'no body (the repository is a query parameter)',
  'PUT /images/upload': "an image archive's raw bytes (imagesRouter.registry)",
  'DELETE /services/:name': 'no body',
  'POST /services/:name/start': 'no body',
  'DELETE /services/:name/shares/:grantee': 'no body',
  'DELETE /teams/:team': 'no body',
  'DELETE /me/teams/:team/invitations/:username': 'no body',
  'DELETE /me/teams/:team/members/:username': 'no body',
  'POST /me/teams/:team/leave': 'no body',
  'POST /me/invitations/:team/accept': 'no body',
  'POST /me/invitations/:team/decline': 'no body',
  'DELETE /teams/:team/members/:username': 'no body',
  'DELETE /users/:username': 'no body',
  'POST /oidc/interaction/:uid/abort': 'HTML form (knot-oidc suites)',
  'POST /oidc/interaction/:uid/confirm': 'HTML form (knot-oidc suites)',
  'POST /oidc/interaction/:uid/login': 'HTML form (knot-oidc suites)',
  'POST /oidc/interaction/:uid/signup': 'HTML form (knot-oidc suites)',
};

const BODY_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

interface Input {
  route: string;
  body: string | undefined;
  contentType: string;
}

/** An input as a failure names it (the seed and this reproduce it). */
const inputName = (input: Input) =>
  `${input.route} ${JSON.stringify(input.body?.slice(0, 200))}`;

/**
 * `PER_ROUTE` distinct bad bodies of a route: each field wrong in turn, then
 * random mixes of wrong fields, missing ones, extra and prototype keys,
 * other shapes and text that is no JSON.
 */
function badBodies(key: string, route: BodyRoute, fuzz: Fuzz): Input[] {
  const names = Object.keys(route.fields);
  const good = (name: string) => route.fields[name].good;
  const bad = (name: string) => {
    const { accepts = () => false } = route.fields[name];
    return [...route.fields[name].bad, ...WRONG_TYPES].filter(v => !accepts(v));
  };
  const badValue = (name: string): Json => {
    const field = route.fields[name];
    const { accepts = () => false } = field;
    const r = fuzz.random();
    let value: Json;
    if (field.badText && r < 0.3) value = field.badText(fuzz.text());
    else if (r < 0.8) value = fuzz.pick(bad(name));
    // A random value; of the wrong type for string fields.
    else {
      value = fuzz.json();
      if (typeof value === 'string') value = new Raw(`[${write(value)}]`);
    }
    return accepts(value) ? fuzz.pick(bad(name)) : value;
  };
  /** Every field good but `wrong` (bad) and `missing` (left out). */
  const body = (wrong: Record<string, Json>, missing: string[] = []) =>
    new Obj([
      ...names
        .filter(n => !missing.includes(n) && !(n in wrong))
        .map(n => [n, good(n)] as [string, Json]),
      ...Object.entries(wrong),
    ]);
  const oneWrong = () => {
    const name = fuzz.pick(names);
    return body({ [name]: badValue(name) });
  };

  const out = new Map<string, Input>();
  const add = (text: string | undefined, contentType = 'application/json') => {
    out.set(`${contentType}\n${text}`, { route: key, body: text, contentType });
  };

  // Systematic: each field with each of its bad values and wrong types.
  for (const name of names) {
    for (const value of bad(name)) {
      add(write(body({ [name]: value })));
    }
  }
  const required = names.filter(n => route.fields[n].required);
  for (const name of required) add(write(body({}, [name])));
  if (!route.emptyIsValid) {
    add(undefined);
    add('');
    add('{}');
    add(write(new Obj([['unknown', 1]])));
    add(write(body({}, names)), 'text/plain');
  }
  // (A byte order mark is allowed before JSON: '\ufeff{}' is an empty body.)
  for (const text of INVALID_JSON) {
    if (!(route.emptyIsValid && text === '\ufeff{}')) add(text);
  }

  // Random, until there are enough distinct ones.
  for (let tries = 0; out.size < PER_ROUTE && tries < PER_ROUTE * 20; tries++) {
    switch (fuzz.int(8)) {
      case 0: {
        // Several fields wrong at once.
        const wrong: Record<string, Json> = {};
        for (const n of names) if (fuzz.random() < 0.6) wrong[n] = badValue(n);
        if (Object.keys(wrong).length === 0)
          wrong[names[0]] = badValue(names[0]);
        add(write(body(wrong)));
        break;
      }
      case 1: {
        // A wrong field among extra keys, prototype keys among them.
        const wrongBody = oneWrong();
        const extra: Array<[string, Json]> = Array.from(
          { length: 1 + fuzz.int(4) },
          () => [
            fuzz.random() < 0.5 ? fuzz.pick(TRICKY_KEYS) : fuzz.text(10),
            fuzz.json(2),
          ],
        );
        add(
          write(
            new Obj(
              fuzz.random() < 0.5
                ? [...extra, ...wrongBody.entries]
                : [...wrongBody.entries, ...extra],
            ),
          ),
        );
        break;
      }
      case 2: {
        // A wrong field, then the same key again (last one wins in JSON.parse).
        const name = fuzz.pick(names);
        add(write(new Obj([...body({}).entries, [name, badValue(name)]])));
        break;
      }
      case 3:
        // Arrays instead of objects: of a good body, or of anything.
        add(
          write(
            fuzz.random() < 0.5
              ? [body({})]
              : Array.from({ length: fuzz.int(3) }, () => fuzz.json(2)),
          ),
        );
        break;
      case 4:
        // Required fields left out, the others wrong or good.
        if (required.length) {
          const missing = required.filter(() => fuzz.random() < 0.7);
          if (!missing.length) missing.push(required[0]);
          add(write(body({}, missing)));
        } else {
          add(write(oneWrong()));
        }
        break;
      case 5:
        // A bad body, wrapped in another object (an unknown field alone
        // is ignored where an empty body is valid).
        if (route.emptyIsValid) break;
        add(
          write(
            new Obj([
              [
                fuzz.pick(['body', 'data', '__proto__', 'constructor']),
                oneWrong(),
              ],
            ]),
          ),
        );
        break;
      case 6: {
        // A bad body, cut short or with garbage around it.
        const text = write(oneWrong());
        const cut = 1 + fuzz.int(Math.max(1, text.length - 1));
        add(
          fuzz.random() < 0.5
            ? text.slice(0, cut)
            : `${fuzz.text(3)}${text}${fuzz.pick(['', ',', '}', ']'])}`,
        );
        break;
      }
      default:
        add(write(oneWrong()));
    }
  }
  return [...out.values()].slice(0, PER_ROUTE);
}

describe('every JSON body of the knot plugin, fuzzed', () => {
  let server: Server;
  let knex: Knex;
  let base: string;
  let privateDir: string;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-fuzz-'));
    privateDir = path.join(dir, 'private');
    fs.mkdirSync(path.join(privateDir, 'alice', 'folder'), { recursive: true });
    fs.writeFileSync(path.join(privateDir, 'alice', 'keep.txt'), 'kept');
    fs.mkdirSync(path.join(dir, 'shared'));
    knex = await databases.init('SQLITE_3');
    ({ server } = (await startKnotTestBackend({
      knex,
      config: {
        knot: {
          storage: { privateDir, sharedDir: path.join(dir, 'shared') },
          ingress: { domain: 'knot.localtest.me' },
        },
      },
    })) as unknown as { server: Server });
    await seedKnotUsers(knex, {
      users: ['alice', 'bob', 'carol'],
      admins: ['dana'],
      teams: { t: ['carol'] },
    });
    await knex('knot_team_members').insert({
      team: 't',
      member: 'alice',
      role: 'owner',
    });
    base = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/knot`;
  });

  /** What a refused body must leave as it was. */
  async function state() {
    const files: string[] = [];
    const walk = (d: string, rel: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        files.push(`${rel}${e.name}${e.isDirectory() ? '/' : ''}`);
        if (e.isDirectory()) walk(path.join(d, e.name), `${rel}${e.name}/`);
      }
    };
    walk(privateDir, '');
    return {
      users: await knex('knot_users')
        .select('username', 'active', 'admin', 'is_team', 'password_hash')
        .orderBy('username'),
      members: await knex('knot_team_members')
        .select('team', 'member', 'role')
        .orderBy(['team', 'member']),
      invitations: await knex('knot_team_invitations')
        .select('team', 'invitee', 'role')
        .orderBy(['team', 'invitee']),
      quotas: await knex('knot_quota_overrides')
        .select('profile', 'resource', 'quantity')
        .orderBy(['profile', 'resource']),
      shares: await knex('knot_service_shares')
        .select()
        .orderBy(['owner', 'service', 'grantee']),
      files: files.sort(),
    };
  }

  it('fuzzes every route that takes a JSON body, and only those', () => {
    const withBody = routeTable(server, '/api/knot')
      .filter(r => BODY_METHODS.includes(r.method))
      .map(r => `${r.method} ${r.path}`)
      .sort();
    expect(withBody).toEqual(
      [...Object.keys(BODY_ROUTES), ...Object.keys(NOT_JSON)].sort(),
    );
  });

  it('answers every bad body with a 4xx and a message, and changes nothing', async () => {
    const fuzz = new Fuzz(seededRandom(SEED));
    const inputs = Object.entries(BODY_ROUTES).flatMap(([key, route]) =>
      badBodies(key, route, fuzz),
    );
    let before = JSON.stringify(await state());
    const failures: string[] = [];
    const started = Date.now();
    let stateMs = 0;
    const send = async (input: Input): Promise<string | undefined> => {
      const route = BODY_ROUTES[input.route];
      const headers: Record<string, string> = {
        authorization: mockCredentials.user.header(
          `user:default/${route.caller}`,
        ),
        'x-knot-profile': route.caller,
      };
      if (input.body !== undefined) headers['content-type'] = input.contentType;
      const response = await fetch(`${base}${route.path}`, {
        method: input.route.split(' ')[0],
        headers,
        body: input.body,
      });
      const text = await response.text();
      let message: unknown;
      try {
        message = JSON.parse(text)?.error?.message;
      } catch {
        message = undefined;
      }
      let problem: string | undefined;
      if (response.status < 400 || response.status >= 500) {
        problem = `answered ${response.status}`;
      } else if (typeof message !== 'string' || !message) {
        problem = `answered ${response.status} without error.message`;
      } else if (response.headers.get('set-cookie')) {
        problem = `set a cookie: ${response.headers.get('set-cookie')}`;
      }
      return problem && `${inputName(input)}: ${problem} ${text.slice(0, 200)}`;
    };
    // A batch of inputs in flight at once, then one read of the state: the
    // state read was a sixth of the time, and one request at a time left
    // the CPU idle between them. A batch that changed the state names all
    // its inputs (none may change anything).
    for (let i = 0; i < inputs.length && failures.length < 20; i += BATCH) {
      const batch = inputs.slice(i, i + BATCH);
      const problems = await Promise.all(batch.map(send));
      failures.push(...problems.filter((p): p is string => !!p));
      const t0 = Date.now();
      const after = JSON.stringify(await state());
      stateMs += Date.now() - t0;
      if (after !== before) {
        failures.push(
          `one of these changed the state:\n  ${batch
            .map(inputName)
            .join('\n  ')}`,
        );
      }
      before = after; // one failure each, not every batch after it
    }
    const seconds = (Date.now() - started) / 1000;
    // The size and speed of the run, for the record.
    process.stdout.write(
      `json body fuzz: ${inputs.length} inputs over ${
        Object.keys(BODY_ROUTES).length
      } routes in ${seconds.toFixed(
        1,
      )} s (seed ${SEED}; ${stateMs} ms checking state)\n`,
    );
    expect(failures).toEqual([]);
    expect(inputs.length).toBeGreaterThanOrEqual(10_000);
  });
});
