import {
  createSign,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpecViolation, SwaggerSpec, type SpecOperation } from './swaggerSpec';

/**
 * A stand-in for Harbor, for tests: its API v2.0 (projects, members,
 * robots) kept in memory, every request checked against Knot's description
 * of the Harbor API it calls (harbor-api.yaml, via swaggerSpec.ts) and
 * every answer too; its token service (`/service/token`, as Harbor's core
 * signs registry tokens for robots and users); and, given a registry,
 * Harbor's `/v2/` in front of it. Not Harbor:
 * only what Knot's client uses behaves, and only as far as described here.
 *
 * A request outside the description is answered 400 and recorded in
 * `violations`: tests assert there are none.
 */
export interface FakeHarbor {
  url: string;
  host: string;
  /** Requests that broke the description (expected: none). */
  violations: string[];
  /** Throws the violations, if any (for afterEach). */
  assertNoViolations(): void;
  /** `METHOD template` of every API request, in order. */
  calls: string[];
  projects: Map<string, FakeProject>;
  robots: Map<number, FakeRobot>;
  /** Harbor users (OIDC: who signed in to Harbor once). */
  users: Set<string>;
  /** What a registry's `auth.token` needs to trust this token service. */
  tokenAuth: { realm: string; service: string; issuer: string; jwks: object };
  /** As an admin refreshing the secret in Harbor's UI: the old one stops working. */
  changeRobotSecret(name: string): void;
  /** Makes `/v2/` a proxy to this registry (Harbor's core in front of it). */
  setRegistry(url: string): void;
  stop(): Promise<void>;
}

export interface FakeProject {
  project_id: number;
  name: string;
  public: boolean;
  members: Array<{ id: number; username: string; role_id: number }>;
}

export interface FakeRobot {
  id: number;
  /** As Harbor stores it, without the prefix. */
  name: string;
  description: string;
  disable: boolean;
  duration: number;
  permissions: Array<{
    kind: string;
    namespace: string;
    access: Array<{ resource: string; action: string; effect?: string }>;
  }>;
  secret: string;
  creation_time: string;
}

const PREFIX = 'robot$';

/**
 * Answers Harbor gives that its documentation does not list, with where
 * Harbor's source gives them: checked against nothing, but nothing else.
 */
const UNDOCUMENTED_ANSWERS = new Set([
  // A username Harbor does not know: member.controller Create calls
  // auth.SearchAndOnBoardUser, whose NotFoundError Harbor sends as 404
  // (with OIDC sign-in, every user who never signed in to Harbor).
  'createProjectMember 404',
]);
const ROLE_NAMES: Record<number, string> = {
  1: 'projectAdmin',
  2: 'developer',
  3: 'guest',
  4: 'maintainer',
  5: 'limitedGuest',
};

/** Harbor's rule: 8+ characters, upper and lower case and a digit. */
function robotSecret(): string {
  return `Kn0t${randomBytes(12).toString('base64url')}aZ9`;
}

export async function startFakeHarbor(options: {
  admin: { username: string; password: string };
}): Promise<FakeHarbor> {
  const spec = SwaggerSpec.harbor();
  const violations: string[] = [];
  const calls: string[] = [];
  const projects = new Map<string, FakeProject>();
  const robots = new Map<number, FakeRobot>();
  const users = new Set<string>([options.admin.username]);
  let nextId = 1;
  let registry: string | undefined;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  const kid = randomUUID();
  const issuer = 'harbor-token-issuer';
  const service = 'harbor-registry';

  const robotView = (r: FakeRobot) => ({
    id: r.id,
    name: `${PREFIX}${r.name}`,
    description: r.description,
    level: 'system',
    duration: r.duration,
    editable: true,
    disable: r.disable,
    expires_at: -1,
    permissions: r.permissions,
    creator_type: 'local',
    creator_ref: 1,
    creation_time: r.creation_time,
    update_time: r.creation_time,
  });
  const projectView = (p: FakeProject) => ({
    project_id: p.project_id,
    name: p.name,
    owner_id: 1,
    owner_name: options.admin.username,
    repo_count: 0,
    metadata: { public: String(p.public) },
  });
  const project = (op: SpecOperation, headers: http.IncomingHttpHeaders) => {
    const ref = op.params.project_name_or_id;
    if (headers['x-is-resource-name'] === 'true' || !/^\d+$/.test(ref)) {
      return projects.get(ref);
    }
    return [...projects.values()].find(p => p.project_id === Number(ref));
  };
  const basic = (req: http.IncomingMessage) => {
    const m = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    const text = Buffer.from(m[1], 'base64').toString();
    const i = text.indexOf(':');
    return { username: text.slice(0, i), password: text.slice(i + 1) };
  };
  const errors = (code: string, message: string) => ({
    errors: [{ code, message }],
  });

  /** The API: [status, body] for a checked operation. */
  function answer(
    op: SpecOperation,
    req: http.IncomingMessage,
    url: URL,
    body: any,
  ): [number, unknown] {
    const who = basic(req);
    if (
      who?.username !== options.admin.username ||
      who.password !== options.admin.password
    ) {
      return [401, errors('UNAUTHORIZED', 'unauthorized')];
    }
    switch (op.operationId) {
      case 'getProject': {
        const p = project(op, req.headers);
        return p
          ? [200, projectView(p)]
          : [
              404,
              errors(
                'NOT_FOUND',
                `project ${op.params.project_name_or_id} not found`,
              ),
            ];
      }
      case 'createProject': {
        if (projects.has(body.project_name)) {
          return [
            409,
            errors(
              'CONFLICT',
              `The project named ${body.project_name} already exists`,
            ),
          ];
        }
        const p: FakeProject = {
          project_id: nextId++,
          name: body.project_name,
          public: body.metadata?.public === 'true',
          // Harbor makes the creator the project's admin.
          members: [
            { id: nextId++, username: options.admin.username, role_id: 1 },
          ],
        };
        projects.set(p.name, p);
        return [201, undefined];
      }
      case 'listProjectMembers': {
        const p = project(op, req.headers);
        if (!p) return [404, errors('NOT_FOUND', 'project not found')];
        const size = Number(url.searchParams.get('page_size') ?? 10);
        const page = Number(url.searchParams.get('page') ?? 1);
        return [
          200,
          p.members.slice((page - 1) * size, page * size).map(m => ({
            id: m.id,
            project_id: p.project_id,
            entity_name: m.username,
            entity_type: 'u',
            entity_id: m.id,
            role_id: m.role_id,
            role_name: ROLE_NAMES[m.role_id],
          })),
        ];
      }
      case 'createProjectMember': {
        const p = project(op, req.headers);
        if (!p) return [400, errors('BAD_REQUEST', 'project is not found')];
        const username = body.member_user?.username;
        if (!users.has(username)) {
          return [404, errors('NOT_FOUND', `user ${username} is not found`)];
        }
        if (p.members.some(m => m.username === username)) {
          return [409, errors('CONFLICT', 'the user is already a member')];
        }
        p.members.push({ id: nextId++, username, role_id: body.role_id });
        return [201, undefined];
      }
      case 'updateProjectMember':
      case 'deleteProjectMember': {
        const p = project(op, req.headers);
        const mid = Number(op.params.mid);
        const member = p?.members.find(m => m.id === mid);
        if (!p || !member)
          return [404, errors('NOT_FOUND', 'member not found')];
        if (op.operationId === 'updateProjectMember')
          member.role_id = body.role_id;
        else p.members = p.members.filter(m => m !== member);
        return [200, undefined];
      }
      case 'ListRobot': {
        const q = url.searchParams.get('q') ?? '';
        const terms = Object.fromEntries(
          q
            .split(',')
            .filter(Boolean)
            .map(t => t.split('=') as [string, string]),
        );
        if (terms.Level && terms.Level !== 'system') {
          return [400, errors('BAD_REQUEST', 'only system robots here')];
        }
        return [
          200,
          [...robots.values()]
            .filter(r => !terms.name || r.name === terms.name)
            .map(robotView),
        ];
      }
      case 'CreateRobot': {
        if (body.level !== 'system') {
          return [400, errors('BAD_REQUEST', 'only system robots here')];
        }
        if ([...robots.values()].some(r => r.name === body.name)) {
          return [409, errors('CONFLICT', `robot ${body.name} already exists`)];
        }
        const r: FakeRobot = {
          id: nextId++,
          name: body.name,
          description: body.description ?? '',
          disable: !!body.disable,
          duration: body.duration,
          permissions: body.permissions ?? [],
          secret: robotSecret(),
          creation_time: new Date().toISOString(),
        };
        robots.set(r.id, r);
        return [
          201,
          {
            id: r.id,
            name: `${PREFIX}${r.name}`,
            secret: r.secret,
            creation_time: r.creation_time,
            expires_at: -1,
          },
        ];
      }
      case 'UpdateRobot':
      case 'RefreshSec':
      case 'DeleteRobot': {
        const r = robots.get(Number(op.params.robot_id));
        if (!r) return [404, errors('NOT_FOUND', 'robot not found')];
        if (op.operationId === 'DeleteRobot') {
          robots.delete(r.id);
          return [200, undefined];
        }
        if (op.operationId === 'RefreshSec') {
          if (body.secret) {
            r.secret = body.secret;
            return [200, {}];
          }
          r.secret = robotSecret();
          return [200, { secret: r.secret }];
        }
        // Harbor refuses to change a robot's name or level.
        if (body.name !== `${PREFIX}${r.name}` || body.level !== 'system') {
          return [
            400,
            errors('BAD_REQUEST', 'cannot update the level or name of robot'),
          ];
        }
        r.disable = !!body.disable;
        r.permissions = body.permissions ?? [];
        r.duration = body.duration ?? r.duration;
        return [200, undefined];
      }
      default:
        violations.push(`the fake does not answer ${op.operationId}`);
        return [501, errors('NOT_IMPLEMENTED', op.operationId)];
    }
  }

  /** Harbor's token service: who may do what in which repository. */
  function token(req: http.IncomingMessage, url: URL): [number, unknown] {
    const who = basic(req);
    let allowed: (repository: string) => string[];
    const isAdmin =
      who?.username === options.admin.username &&
      who.password === options.admin.password;
    if (isAdmin) {
      allowed = () => ['pull', 'push', 'delete', '*'];
    } else {
      const robot = [...robots.values()].find(
        r => `${PREFIX}${r.name}` === who?.username,
      );
      if (!robot || robot.disable || robot.secret !== who?.password) {
        return [401, errors('UNAUTHORIZED', 'invalid credentials')];
      }
      allowed = repository =>
        robot.permissions
          .filter(p => repository.startsWith(`${p.namespace}/`))
          .flatMap(p =>
            p.access
              .filter(a => a.resource === 'repository')
              .map(a => a.action),
          );
    }
    const access = url.searchParams.getAll('scope').flatMap(scope => {
      const [type, name, actions] = scope.split(':');
      // The whole catalog is a system admin's to list.
      if (type === 'registry' && name === 'catalog' && isAdmin) {
        return [{ type, name, actions: ['*'] }];
      }
      if (type !== 'repository') return [];
      const may = allowed(name);
      return [
        {
          type,
          name,
          actions: actions.split(',').filter(a => may.includes(a)),
        },
      ];
    });
    const now = Math.floor(Date.now() / 1000);
    const jwt = signJwt(privateKey, kid, {
      iss: issuer,
      sub: who!.username,
      aud: url.searchParams.get('service') ?? service,
      exp: now + 1800,
      nbf: now - 5,
      iat: now,
      jti: randomUUID(),
      access,
    });
    return [
      200,
      {
        token: jwt,
        access_token: jwt,
        expires_in: 1800,
        issued_at: new Date().toISOString(),
      },
    ];
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://harbor.invalid');
    const send = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, {
        ...headers,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (url.pathname.startsWith('/v2/') || url.pathname === '/v2') {
      if (registry) {
        proxy(req, res, registry);
        return;
      }
      send(401, errors('UNAUTHORIZED', 'unauthorized'), {
        'WWW-Authenticate': `Bearer realm="http://${req.headers.host}/service/token",service="${service}"`,
      });
      return;
    }
    if (url.pathname === '/service/token') {
      const [status, body] = token(req, url);
      send(status, body);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      let op: SpecOperation;
      let body: any;
      try {
        body = text ? JSON.parse(text) : undefined;
        op = spec.checkRequest({
          method: req.method!,
          url,
          headers: req.headers,
          body,
        });
      } catch (error) {
        const message = `${req.method} ${url.pathname}${url.search}: ${
          (error as Error).message
        }`;
        violations.push(message);
        send(400, errors('SPEC_VIOLATION', message));
        return;
      }
      calls.push(`${req.method} ${op.template}`);
      const [status, answerBody] = answer(op, req, url, body);
      try {
        if (!UNDOCUMENTED_ANSWERS.has(`${op.operationId} ${status}`)) {
          spec.checkResponse(op, status, answerBody);
        }
      } catch (error) {
        if (!(error instanceof SpecViolation)) throw error;
        // The fake's own answer broke the description: a defect of the fake.
        violations.push(
          `the fake answered ${op.operationId}: ${error.message}`,
        );
      }
      send(status, answerBody);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const harbor: FakeHarbor = {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    violations,
    assertNoViolations() {
      if (violations.length > 0) {
        throw new Error(
          `requests outside Harbor's API description:\n${violations.join(
            '\n',
          )}`,
        );
      }
    },
    calls,
    projects,
    robots,
    users,
    tokenAuth: {
      realm: `http://127.0.0.1:${port}/service/token`,
      service,
      issuer,
      jwks: {
        keys: [
          {
            ...publicKey.export({ format: 'jwk' }),
            kid,
            alg: 'RS256',
            use: 'sig',
          },
        ],
      },
    },
    changeRobotSecret(name: string) {
      const robot = [...robots.values()].find(
        r => `${PREFIX}${r.name}` === name,
      );
      if (!robot) throw new Error(`no robot ${name}`);
      robot.secret = robotSecret();
    },
    setRegistry(target: string) {
      registry = target;
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return harbor;
}

function signJwt(key: KeyObject, kid: string, claims: object): string {
  const part = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part(claims)}`;
  const signature = createSign('RSA-SHA256')
    .update(input)
    .sign(key)
    .toString('base64url');
  return `${input}.${signature}`;
}

/** Harbor's core in front of its registry: the request passed on as is. */
function proxy(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  registry: string,
) {
  const target = new URL(req.url ?? '/', registry);
  const upstream = http.request(
    target,
    { method: req.method, headers: req.headers },
    answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', error => {
    res.writeHead(502);
    res.end(error.message);
  });
  req.pipe(upstream);
}
