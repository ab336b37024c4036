import { readdirSync } from 'node:fs';
import validator from '@rjsf/validator-ajv8';
import {
  changedFormValues,
  FORM_CORPUS_DIR,
} from '@knot-platform/knot-test-utils';
import type { ChartInfo } from '@knot-platform/plugin-knot-node';
import { ChartCatalog } from './ChartCatalog';
import { LocalChartSource } from './LocalChartSource';
import { privateChartTemplate } from './profileChartTemplate';
import { templateFromChart } from './templateFromChart';

const options = {
  owner: 'group:default/knot-admins',
  latest: true,
  location: 'knot-charts:corpus',
  exposure: { domain: 'knot.test', scheme: 'https' },
};

let charts: ChartInfo[];
beforeAll(async () => {
  charts = await new ChartCatalog(
    [new LocalChartSource(FORM_CORPUS_DIR, 'corpus')],
    { profiles: async () => [] },
  ).list();
});

const chart = (name: string) => charts.find(c => c.name === name)!;
const template = (name: string) =>
  templateFromChart(chart(name), options) as any;
/** The chart's values as the Template's Settings page holds them. */
const valuesForm = (name: string) =>
  template(name).spec.parameters[1].properties.values;

/** Whether the form's own validator (the scaffolder's) accepts `data`. */
function accepts(schema: any, data: unknown) {
  const { errors } = validator.validateFormData(data, schema);
  return errors.map(e => e.stack);
}

describe('the generated forms of the chart corpus', () => {
  it('holds at least 20 charts', () => {
    expect(charts.length).toBeGreaterThanOrEqual(20);
  });

  it.each(
    // Read from the folder, so a chart added to the corpus is tested too.
    readdirSync(FORM_CORPUS_DIR).sort(),
  )('%s: Knot inputs and the chart values apart, exact parameters', name => {
    const t = template(name);
    const [service, settings, ...more] = t.spec.parameters;
    expect(more).toEqual([]);
    // Knot's own inputs, alone on their page, whatever the chart's values.
    expect(Object.keys(service.properties)).toEqual(['name', 'profile']);
    // Every chart value under one parameter; the quota check beside it.
    expect(Object.keys(settings.properties)).toEqual(['values', 'quotaFit']);
    expect(t.spec.steps[0].input).toEqual({
      chart: name,
      version: '1.0.0',
      name: '${{ parameters.name }}',
      profile: '${{ parameters.profile }}',
      values: '${{ parameters.values }}',
    });
    // The exact parameters (reviewed snapshot, one per chart).
    expect(t.spec.parameters).toMatchSnapshot();
    // The form is valid for its validator, and so are every field changed.
    const form = settings.properties.values;
    expect(accepts(form, changedFormValues(form))).toEqual([]);
    expect(JSON.stringify(form)).not.toContain('$ref');
  });

  it("lab-profiles: a value named profile is the chart's, never Knot's", () => {
    const form = valuesForm('lab-profiles');
    expect(form.properties.profile).toEqual({
      type: 'string',
      default: 'small',
      title: 'Profile',
      description: 'Resource profile for the UI pod',
      enum: ['small', 'medium', 'large'],
    });
    expect(form.properties.name.description).toBe("The lab's display name");
    // An empty map: a key/value editor of strings.
    expect(form.properties.extraEnv).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
      title: 'Extra env',
      description: 'Extra environment variables of the lab container',
    });
    expect(form.properties.ui.title).toBe('UI');
    expect(template('lab-profiles').metadata.title).toBe('Research lab');
  });

  it('knot-collide: name, profile, namespace, values… are values; knot is not', () => {
    const form = valuesForm('knot-collide');
    expect(Object.keys(form.properties)).toEqual([
      'name',
      'profile',
      'namespace',
      'values',
      'chart',
      'version',
      'knotSettings',
      'knot_extra',
      'knot-mode',
    ]);
    expect(form.properties.values).toMatchObject({
      type: 'object',
      properties: { nested: { type: 'boolean', default: true } },
    });
    expect(form.properties.knotSettings.title).toBe('Knot settings');
  });

  it('argo-workflows: helm-docs descriptions, @default, (type), @ignored', () => {
    const form = valuesForm('argo-workflows');
    expect(form.properties.namespaceOverride).toEqual({
      type: 'string',
      default: '',
      title: 'Namespace override',
      description: 'Override the namespace Default: `.Release.Namespace`',
    });
    // The `# --` line and the comment lines after it.
    expect(form.properties.createAggregateRoles.description).toBe(
      'Create clusterroles that extend existing clusterroles to interact with argo-cd crds Ref: https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles',
    );
    const controller = form.properties.controller.properties;
    expect(controller.parallelism).toEqual({
      type: 'string',
      title: 'Parallelism',
      description:
        'Number of workflows the controller runs at once Default: unlimited',
    });
    expect(controller.resourceRateLimit).toEqual({
      type: 'integer',
      title: 'Resource rate limit',
      description: 'Resync period of the workflows',
    });
    expect(controller.workflowNamespaces.description).toBe(
      'Specify all namespaces where this workflow controller instance will manage workflows. This controls where the service account and RBAC resources will be created. Only valid when singleNamespace is false.',
    );
    expect(Object.keys(form.properties.server.properties)).not.toContain(
      'internalDebugPort',
    );
    expect(form.properties.server.properties.baseHref.description).toBe(
      'Base href of the Argo Workflows UI',
    );
  });

  it('loki: helm-docs types of empty values and a multi-line description', () => {
    const loki = valuesForm('loki').properties.loki.properties;
    expect(loki.runAsUser).toEqual({
      type: 'string',
      title: 'Run as user',
      description:
        "The SecurityContext for Loki containers' user Default: 10001",
    });
    expect(loki.storage.properties.bucketNames).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
      title: 'Bucket names',
      description:
        'Bucket names of the object storage Default: chunks, ruler, admin',
    });
    expect(loki.storage.properties.s3.properties.endpoint.title).toBe(
      'Endpoint',
    );
    expect(loki.query_scheduler.title).toBe('Query scheduler');
  });

  it('minio: $ref inlined, enums, lists of objects, open objects as key/value', () => {
    const form = valuesForm('minio');
    expect(form.properties.image).toEqual({
      type: 'object',
      title: 'Image',
      // The schema has none: the comment above it in values.yaml.
      description:
        'Set default image, imageTag, and imagePullPolicy. mode is used to indicate the',
      properties: {
        repository: {
          type: 'string',
          default: 'quay.io/minio/minio',
          title: 'Repository',
        },
        tag: {
          type: 'string',
          default: 'RELEASE.2024-04-18T19-09-19Z',
          title: 'Tag',
        },
        pullPolicy: {
          type: 'string',
          enum: ['Always', 'IfNotPresent', 'Never'],
          default: 'IfNotPresent',
          title: 'Pull policy',
        },
      },
    });
    expect(form.properties.buckets.items).toEqual({
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string' },
        policy: {
          type: 'string',
          enum: ['none', 'download', 'upload', 'public'],
        },
        purge: { type: 'boolean' },
      },
    });
    expect(
      form.properties.makeBucketJob.properties.resources.properties.requests,
    ).toMatchObject({ properties: { cpu: { type: 'string' } } });
    expect(form.properties.environment).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      title: 'Environment',
      description:
        'Use this field to add environment variables relevant to MinIO server. These fields will be passed on to MinIO container(s) when Chart is deployed',
    });
  });

  it('redis, postgresql: Bitnami @param comments, a schema with its own keywords', () => {
    const redis = valuesForm('redis');
    expect(redis.properties.auth.properties.enabled).toEqual({
      type: 'boolean',
      form: true,
      title: 'Use password authentication',
      description: 'Enable password authentication',
      default: true,
    });
    expect(redis.properties.architecture.enum).toEqual([
      'standalone',
      'replication',
    ]);
    const primary = valuesForm('postgresql').properties.primary.properties;
    expect(primary.name.description).toBe(
      'Name of the primary database (eg primary, master, leader, ...)',
    );
    expect(primary.initdb.properties.scripts).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'string' },
      title: 'Scripts',
    });
  });

  it('schema-ref: $defs inlined, keywords next to $ref kept', () => {
    const form = valuesForm('schema-ref');
    expect(form.required).toEqual(['database']);
    expect(form.properties.database).toMatchObject({
      type: 'object',
      required: ['host'],
      title: 'Database',
      description: 'The SQL database',
      properties: {
        host: { type: 'string', default: 'db.internal', title: 'Host' },
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 5432 },
        credentials: { properties: { user: { default: 'app' } } },
      },
    });
    expect(form.properties.cache.title).toBe('Cache server');
    expect(form.properties.cache.properties.host.default).toBe(
      'cache.internal',
    );
    expect(form.$defs).toBeUndefined();
  });

  it('schema-oneof: alternatives and enums as the schema says', () => {
    const form = valuesForm('schema-oneof');
    expect(form.properties.storage.oneOf.map((o: any) => o.title)).toEqual([
      'Local disk',
      'S3 bucket',
    ]);
    expect(form.properties.storage.default).toEqual({
      kind: 'local',
      path: '/data',
    });
    expect(form.properties.logFormat.enum).toEqual(['json', 'text', 'logfmt']);
    expect(form.properties.verbosity).toMatchObject({
      enum: [0, 1, 2, 3],
      default: 1,
      description: 'Verbosity, 0 to 3',
    });
  });

  it('podinfo, jupyterhub: lists of objects with nested lists and maps', () => {
    const hosts = valuesForm('podinfo').properties.ingress.properties.hosts;
    expect(hosts.items).toEqual({
      type: 'object',
      properties: {
        host: { type: 'string', title: 'Host' },
        paths: {
          type: 'array',
          title: 'Paths',
          items: {
            type: 'object',
            properties: {
              path: { type: 'string', title: 'Path' },
              pathType: { type: 'string', title: 'Path type' },
            },
          },
        },
      },
    });
    const profiles =
      valuesForm('jupyterhub').properties.singleuser.properties.profileList;
    expect(Object.keys(profiles.items.properties)).toEqual([
      'display_name',
      'description',
      'default',
      'kubespawner_override',
    ]);
    expect(profiles.items.properties.kubespawner_override).toEqual({
      type: 'object',
      title: 'Kubespawner override',
      properties: {
        image: { type: 'string', title: 'Image' },
        cpu_limit: { type: 'integer', title: 'CPU limit' },
      },
    });
  });

  it('vault, grafana, nextcloud: readable titles of nested maps', () => {
    expect(valuesForm('vault').properties.ui.title).toBe('UI');
    expect(
      valuesForm('vault').properties.ui.properties.serviceNodePort.title,
    ).toBe('Service node port');
    expect(valuesForm('grafana').properties['grafana.ini'].title).toBe(
      'Grafana ini',
    );
    const nextcloud = valuesForm('nextcloud').properties.nextcloud.properties;
    expect(nextcloud.mail.properties.smtp.title).toBe('SMTP');
    expect(nextcloud.objectStore.properties.s3.properties.ssl.title).toBe(
      'SSL',
    );
    expect(valuesForm('harbor').properties.externalURL.title).toBe(
      'External URL',
    );
  });

  it("a profile's private chart keeps the values apart too", () => {
    const t = privateChartTemplate(template('lab-profiles'), {
      name: 'alice',
      team: false,
    }) as any;
    expect(Object.keys(t.spec.parameters[0].properties)).toEqual([
      'name',
      'profile',
    ]);
    expect(t.spec.parameters[0].properties.profile.enum).toEqual(['alice']);
    expect(
      t.spec.parameters[1].properties.values.properties.profile.enum,
    ).toEqual(['small', 'medium', 'large']);
    expect(t.spec.steps[0].input.values).toBe('${{ parameters.values }}');
  });
});
