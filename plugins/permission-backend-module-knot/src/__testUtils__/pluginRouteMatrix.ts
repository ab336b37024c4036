/**
 * The cross-tenant matrix of the plugins Knot's policy guards in a portal's
 * backend: the catalog, the scaffolder and the Kubernetes plugin. Like the
 * knot plugin's own (knot-backend/src/tenancy/crossTenantMatrix.test.ts),
 * its rows are the plugins' route table: a route the plugins add without a
 * row here fails the suite, and every row is tried by every caller against
 * another profile's resources.
 */

/** A profile's resources a matrix row asks for. */
export interface TenantTarget {
  profile: string;
  /** Its namespace, with the release's Service. */
  namespace: string;
  /** Its release Component (`knot/profile`). */
  component: { name: string; uid: string };
  /** Its private chart Template (`knot/chart-profile`). */
  template: string;
  /**
   * A scaffolder task of the profile (its owner's, for a team a member's),
   * cancelled, so that it has an event.
   */
  taskId: string;
  /** Starts another such task, not cancelled (a task is cancelled once). */
  newTask: () => Promise<string>;
  /** A location an admin registered (no profile's). */
  location: string;
  /**
   * A string only the profile's own resources carry (the entities'
   * descriptions, the task's values): a refused answer must not contain it.
   */
  secret: string;
}

/** One request of a row (the v1 and v2 forms of an action are one row). */
export interface Probe {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Who a route is for:
 * - `owned`: one of a profile's resources (an entity, a task, its
 *   Kubernetes objects): who may act as the profile, its task's owner,
 *   admins;
 * - `listed`: lists that must leave out the profiles one may not act as;
 * - `admin`: Knot admins only (locations, the Kubernetes proxy);
 * - `user`: any active user, no profile's data (creating a task from a
 *   public Template, a dry run, the cluster list);
 * - `open`: no profile's data and no permission of a profile (the action
 *   list, validating an entity): not tried;
 * - `framework`: Backstage's own routes of every plugin.
 */
export type Access =
  | 'owned'
  | 'listed'
  | 'admin'
  | 'user'
  | 'open'
  | 'framework';

export interface Row {
  access: Access;
  /** The requests of the row against a target (`open`/`framework`: none). */
  probe?: (target: TenantTarget) => Probe[] | Promise<Probe[]>;
  /** The statuses a refusal takes on this route (default 403, 404). */
  refusedWith?: number[];
  /**
   * The route refuses by leaving out what it shows (an empty list), as
   * every `listed` route does.
   */
  hides?: boolean;
  /** What an allowed caller must find in the answer (`listed`, `owned`). */
  shows?: (target: TenantTarget) => string[];
  /** Changes or removes the target: tried only where it must be refused. */
  destructive?: boolean;
}

const get = (path: string): Probe => ({ method: 'GET', path });
const post = (path: string, body: unknown = {}): Probe => ({
  method: 'POST',
  path,
  body,
});
const componentRef = (t: TenantTarget) =>
  `component:default/${t.component.name}`;
const templateRef = (t: TenantTarget) => `template:default/${t.template}`;
const byName = (kind: string, name: string) =>
  `/api/catalog/entities/by-name/${kind}/default/${name}`;

/** The catalog's routes. Entities: the target's Component and Template. */
const CATALOG: Record<string, Row> = {
  'GET /api/catalog/entities': {
    access: 'listed',
    probe: () => [get('/api/catalog/entities')],
    shows: t => [t.secret, t.component.name, t.template],
  },
  'GET /api/catalog/entities/by-query': {
    access: 'listed',
    probe: () => [
      get('/api/catalog/entities/by-query?filter=kind=component,kind=template'),
    ],
    shows: t => [t.secret, t.component.name, t.template],
  },
  'POST /api/catalog/entities/by-query': {
    access: 'listed',
    probe: () => [post('/api/catalog/entities/by-query', {})],
    shows: t => [t.secret, t.component.name, t.template],
  },
  'POST /api/catalog/entities/by-refs': {
    access: 'listed',
    probe: t => [
      post('/api/catalog/entities/by-refs', {
        entityRefs: [componentRef(t), templateRef(t)],
      }),
    ],
    shows: t => [t.secret, t.namespace],
  },
  'GET /api/catalog/entity-facets': {
    access: 'listed',
    probe: () => [get('/api/catalog/entity-facets?facet=metadata.description')],
    shows: t => [t.secret],
  },
  'POST /api/catalog/entity-facets': {
    access: 'listed',
    probe: () => [
      post('/api/catalog/entity-facets', { facets: ['metadata.description'] }),
    ],
    shows: t => [t.secret],
  },
  'GET /api/catalog/entities/by-name/:kind/:namespace/:name': {
    access: 'owned',
    probe: t => [
      get(byName('component', t.component.name)),
      get(byName('template', t.template)),
    ],
    shows: t => [t.secret],
  },
  'GET /api/catalog/entities/by-name/:kind/:namespace/:name/ancestry': {
    access: 'owned',
    probe: t => [
      get(`${byName('component', t.component.name)}/ancestry`),
      get(`${byName('template', t.template)}/ancestry`),
    ],
    shows: t => [t.secret],
  },
  'GET /api/catalog/entities/by-uid/:uid': {
    access: 'owned',
    probe: t => [get(`/api/catalog/entities/by-uid/${t.component.uid}`)],
    shows: t => [t.secret],
  },
  'DELETE /api/catalog/entities/by-uid/:uid': {
    access: 'owned',
    destructive: true,
    probe: t => [
      {
        method: 'DELETE',
        path: `/api/catalog/entities/by-uid/${t.component.uid}`,
      },
    ],
  },
  'POST /api/catalog/refresh': {
    access: 'owned',
    probe: t => [
      post('/api/catalog/refresh', { entityRef: componentRef(t) }),
      post('/api/catalog/refresh', { entityRef: templateRef(t) }),
    ],
  },
  // Where an entity came from names the profile's namespace: only for
  // admins, like every location.
  'GET /api/catalog/locations/by-entity/:kind/:namespace/:name': {
    access: 'admin',
    probe: t => [
      get(
        `/api/catalog/locations/by-entity/component/default/${t.component.name}`,
      ),
    ],
  },
  'GET /api/catalog/locations': {
    access: 'admin',
    hides: true,
    probe: () => [get('/api/catalog/locations')],
    shows: t => [t.location],
  },
  'POST /api/catalog/locations/by-query': {
    access: 'admin',
    hides: true,
    probe: () => [post('/api/catalog/locations/by-query', {})],
    shows: t => [t.location],
  },
  'GET /api/catalog/locations/:id': {
    access: 'admin',
    probe: () => [
      get('/api/catalog/locations/00000000-0000-4000-8000-000000000000'),
    ],
  },
  'POST /api/catalog/locations': {
    access: 'admin',
    probe: t => [
      post('/api/catalog/locations?dryRun=true', {
        type: 'url',
        target: `https://example.com/${t.profile}/catalog-info.yaml`,
      }),
    ],
  },
  'PUT /api/catalog/locations/:id': {
    access: 'admin',
    probe: t => [
      {
        method: 'PUT',
        path: '/api/catalog/locations/00000000-0000-4000-8000-000000000000',
        body: {
          type: 'url',
          target: `https://example.com/${t.profile}/x.yaml`,
        },
      },
    ],
  },
  'DELETE /api/catalog/locations/:id': {
    access: 'admin',
    probe: () => [
      {
        method: 'DELETE',
        path: '/api/catalog/locations/00000000-0000-4000-8000-000000000000',
      },
    ],
  },
  'POST /api/catalog/analyze-location': { access: 'open' },
  'POST /api/catalog/validate-entity': { access: 'open' },
};

const task = (t: TenantTarget) => `/api/scaffolder/v2/tasks/${t.taskId}`;

/** The scaffolder's routes. Tasks: the target's; Templates: its private one. */
const SCAFFOLDER: Record<string, Row> = {
  'GET /api/scaffolder/v2/tasks': {
    access: 'listed',
    probe: () => [get('/api/scaffolder/v2/tasks')],
    shows: t => [t.taskId, t.secret],
  },
  'GET /api/scaffolder/v2/tasks/:taskId': {
    access: 'owned',
    probe: t => [get(task(t))],
    shows: t => [t.secret],
  },
  'GET /api/scaffolder/v2/tasks/:taskId/events': {
    access: 'owned',
    probe: t => [get(`${task(t)}/events`)],
    shows: () => ['cancelled'],
  },
  'GET /api/scaffolder/v2/tasks/:taskId/eventstream': {
    access: 'owned',
    probe: t => [get(`${task(t)}/eventstream`)],
    shows: () => ['cancelled'],
  },
  'POST /api/scaffolder/v2/tasks/:taskId/cancel': {
    access: 'owned',
    probe: async t => [
      post(`/api/scaffolder/v2/tasks/${await t.newTask()}/cancel`),
    ],
  },
  // Tried last of the task routes (the table is sorted by path).
  'POST /api/scaffolder/v2/tasks/:taskId/retry': {
    access: 'owned',
    probe: t => [post(`${task(t)}/retry`)],
  },
  'POST /api/scaffolder/v2/tasks': {
    access: 'owned',
    probe: t => [
      post('/api/scaffolder/v2/tasks', {
        templateRef: templateRef(t),
        values: {},
      }),
    ],
  },
  'GET /api/scaffolder/v2/templates/:namespace/:kind/:name/parameter-schema': {
    access: 'owned',
    probe: t => [
      get(
        `/api/scaffolder/v2/templates/default/template/${t.template}/parameter-schema`,
      ),
    ],
    shows: t => [t.secret],
  },
  'POST /api/scaffolder/v2/dry-run': {
    access: 'user',
    probe: () => [
      post('/api/scaffolder/v2/dry-run', {
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'dry' },
          spec: { type: 'service', parameters: [], steps: [] },
        },
        values: {},
        directoryContents: [],
      }),
    ],
  },
  'GET /api/scaffolder/v2/actions': { access: 'open' },
  'GET /api/scaffolder/v2/templating-extensions': { access: 'open' },
  'POST /api/scaffolder/v2/autocomplete/:provider/:resource': {
    access: 'open',
  },
};

const CLUSTER = { 'Backstage-Kubernetes-Cluster': 'local' };

/** The Kubernetes plugin's routes: the target's release Component's objects. */
const KUBERNETES: Record<string, Row> = {
  'POST /api/kubernetes/services/:serviceId': {
    access: 'owned',
    probe: t => [
      post(`/api/kubernetes/services/${t.component.name}`, {
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: t.component.name, namespace: 'default' },
        },
      }),
    ],
    shows: t => [t.namespace],
  },
  // The plugin answers 400 for an entity the caller cannot see, as for
  // one that does not exist.
  'POST /api/kubernetes/resources/workloads/query': {
    access: 'owned',
    refusedWith: [400, 403],
    probe: t => [
      post('/api/kubernetes/resources/workloads/query', {
        entityRef: componentRef(t),
        auth: {},
      }),
    ],
    shows: t => [t.namespace],
  },
  'POST /api/kubernetes/resources/custom/query': {
    access: 'owned',
    refusedWith: [400, 403],
    probe: t => [
      post('/api/kubernetes/resources/custom/query', {
        entityRef: componentRef(t),
        auth: {},
        customResources: [
          { group: 'apps', apiVersion: 'v1', plural: 'deployments' },
        ],
      }),
    ],
  },
  'GET /api/kubernetes/clusters': {
    access: 'user',
    probe: () => [get('/api/kubernetes/clusters')],
  },
  // The portal's cluster-wide account.
  'USE /api/kubernetes/proxy': {
    access: 'admin',
    probe: t => [
      {
        ...get(
          `/api/kubernetes/proxy/api/v1/namespaces/${t.namespace}/services`,
        ),
        headers: CLUSTER,
      },
      { ...get('/api/kubernetes/proxy/api/v1/namespaces'), headers: CLUSTER },
      // What the Kubernetes tab's pod logs ask for (Knot's app reads a
      // release's logs through Knot's logs route instead).
      {
        ...get(
          `/api/kubernetes/proxy/api/v1/namespaces/${t.namespace}/pods/${t.component.name}/log?container=x`,
        ),
        headers: CLUSTER,
      },
    ],
  },
};

/**
 * The plugins' actions (Backstage's actions registry, for AI agents and the
 * CLI), invoked as the caller: those that read a profile's entity.
 */
function invoke(action: string, input: unknown): Probe[] {
  const path = (v: string) =>
    `/api/${
      action.split(':')[0]
    }/.backstage/actions/${v}/actions/${action}/invoke`;
  return [post(path('v1'), input), post(path('v2'), { input })];
}

const ACTIONS: Record<string, Row> = {
  'POST /api/catalog/.backstage/actions/v1/actions/:actionId/invoke': {
    access: 'owned',
    // "No entity found", as for one that does not exist.
    refusedWith: [400, 403],
    probe: t => [
      ...invoke('catalog:get-catalog-entity', { name: t.component.name }),
      ...invoke('catalog:get-catalog-entity', { name: t.template }),
    ],
    shows: t => [t.secret],
  },
  'POST /api/catalog/.backstage/actions/v2/actions/:actionId/invoke': {
    access: 'framework', // tried with v1's row
  },
  'POST /api/kubernetes/.backstage/actions/v1/actions/:actionId/invoke': {
    access: 'owned',
    refusedWith: [403, 404],
    probe: t =>
      invoke('kubernetes:get-kubernetes-resources-for-entity', {
        name: t.component.name,
      }),
    shows: t => [t.namespace],
  },
  'POST /api/kubernetes/.backstage/actions/v2/actions/:actionId/invoke': {
    access: 'framework', // tried with v1's row
  },
  'POST /api/scaffolder/.backstage/actions/v1/actions/:actionId/invoke': {
    access: 'open',
  },
  'POST /api/scaffolder/.backstage/actions/v2/actions/:actionId/invoke': {
    access: 'open',
  },
};

/** Backstage's own routes, mounted for every plugin. */
const FRAMEWORK: Record<string, Row> = Object.fromEntries(
  ['catalog', 'scaffolder', 'kubernetes'].flatMap(plugin =>
    [
      'GET /.backstage/actions/v1/actions',
      'DELETE /.backstage/auth/v1/cookie',
      'GET /.backstage/auth/v1/cookie',
      'GET /.backstage/auth/v1/jwks.json',
      'POST /.well-known/backstage/permissions/apply-conditions',
      'GET /.well-known/backstage/permissions/metadata',
    ].map(route => {
      const [method, path] = route.split(' ');
      return [
        `${method} /api/${plugin}${path}`,
        { access: 'framework' as const },
      ];
    }),
  ),
);

/** Every route of the catalog, the scaffolder and the Kubernetes plugin. */
export const PLUGIN_ROUTES: Record<string, Row> = {
  ...CATALOG,
  ...SCAFFOLDER,
  ...KUBERNETES,
  ...FRAMEWORK,
  ...ACTIONS,
  'GET /api/catalog/openapi.json': { access: 'framework' },
  'GET /api/scaffolder/openapi.json': { access: 'framework' },
};

/** The plugins whose routes the matrix covers. */
export const MATRIX_PLUGINS = ['catalog', 'scaffolder', 'kubernetes'];

/**
 * The callers: alice and bob (users), carol (member of team t), dana (an
 * admin), gone (deactivated), an anonymous caller and another plugin
 * (service credentials) — the knot plugin's matrix's callers — each trying
 * one profile's resources.
 */
export type Caller =
  | 'alice'
  | 'bob'
  | 'carol'
  | 'dana'
  | 'gone'
  | 'anonymous'
  | 'service';

export interface Attempt {
  caller: Caller;
  /** The profile whose resources are tried: alice or team t. */
  target: 'alice' | 't';
}

export const ATTEMPTS: Attempt[] = [
  { caller: 'alice', target: 'alice' },
  { caller: 'alice', target: 't' },
  { caller: 'bob', target: 'alice' },
  { caller: 'bob', target: 't' },
  { caller: 'carol', target: 't' },
  { caller: 'carol', target: 'alice' },
  { caller: 'dana', target: 'alice' },
  { caller: 'dana', target: 't' },
  { caller: 'gone', target: 'alice' },
  { caller: 'anonymous', target: 'alice' },
  { caller: 'service', target: 'alice' },
];

/** Whether an attempt must get through: 401 for the anonymous caller. */
export function mayReach(
  access: Access,
  { caller, target }: Attempt,
): boolean | 401 {
  if (caller === 'anonymous') return 401;
  // A deactivated account has no rights anywhere; other plugins have all.
  if (caller === 'gone') return false;
  if (caller === 'service' || caller === 'dana') return true;
  switch (access) {
    case 'user':
      return true;
    case 'admin':
      return false;
    case 'owned':
    case 'listed':
      return caller === target || (caller === 'carol' && target === 't');
    default:
      throw new Error(`${access} routes are only tried anonymously`);
  }
}

/** An answer: its status and (the start of) its body. */
export interface Answer {
  status: number;
  text: string;
}

/**
 * Why an answer to a row's probe is wrong, or undefined when it is right:
 * a refusal must be one (and carry nothing of the target), a caller let
 * through must get an answer (and, where the row says, the target's data).
 */
export function wrongAnswer(
  row: Row,
  want: boolean | 401,
  target: TenantTarget,
  { status, text }: Answer,
): string | undefined {
  if (want === 401)
    return status === 401 ? undefined : `${status}, expected 401`;
  if (status >= 500) return `${status}: ${text.slice(0, 200)}`;
  const hides = row.hides ?? row.access === 'listed';
  if (!want) {
    // The task's id and the entities' names are in the request itself,
    // except where the route hides what it shows.
    const secrets = [
      target.secret,
      target.namespace,
      ...(hides ? row.shows?.(target) ?? [] : []),
    ];
    const leaked = secrets.filter(s => text.includes(s));
    if (leaked.length) return `${status}, leaks ${leaked.join(', ')}`;
    if (hides) return undefined;
    const refused = row.refusedWith ?? [403, 404];
    return refused.includes(status)
      ? undefined
      : `${status}, expected ${refused.join(' or ')}`;
  }
  if (status === 401 || status === 403) return `${status}, expected an answer`;
  if ((row.refusedWith ?? [404]).includes(status) && row.access !== 'admin') {
    return `${status}, expected an answer`;
  }
  const missing = (row.shows?.(target) ?? []).filter(s => !text.includes(s));
  return missing.length
    ? `${status}, without ${missing.join(', ')}`
    : undefined;
}
