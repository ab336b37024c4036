import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BUNDLED_CHARTS_DIR } from '@knot-platform/knot-test-utils';
import { ChartCatalog } from './ChartCatalog';
import { LocalChartSource } from './LocalChartSource';
import { templateFromChart } from './templateFromChart';

/** Bundled charts are no profile's: sources are never asked for profiles. */
const NO_PROFILES = { profiles: async () => [] };

const bundled = BUNDLED_CHARTS_DIR;
const options = {
  owner: 'group:default/knot-admins',
  latest: true,
  location: 'knot-charts:test',
  exposure: { domain: 'knot.test', scheme: 'https' },
};

async function tempCharts(charts: Record<string, Record<string, string>>) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-charts-'));
  for (const [name, files] of Object.entries(charts)) {
    await fs.mkdir(path.join(dir, name));
    for (const [file, text] of Object.entries(files)) {
      await fs.writeFile(path.join(dir, name, file), text);
    }
  }
  return dir;
}

describe('templateFromChart', () => {
  it('turns the bundled hello-kubernetes chart into a Template', async () => {
    const charts = await new ChartCatalog(
      [new LocalChartSource(bundled, 'bundled')],
      NO_PROFILES,
    ).list();
    expect(charts.map(c => c.name)).toEqual([
      'file-browser',
      'hello-kubernetes',
      'jupyter-notebook',
    ]);
    const hello = charts.find(c => c.name === 'hello-kubernetes')!;
    const template = templateFromChart(hello, options) as any;
    expect(template.kind).toBe('Template');
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.metadata.title).toBe('Hello Kubernetes');
    const settings = template.spec.parameters[1].properties.values;
    // image and replicas are hidden, knot.* is internal.
    expect(Object.keys(settings.properties)).toEqual(['message']);
    expect(settings.properties.message).toEqual({
      type: 'string',
      default: 'Hello from Knot!',
      title: 'Message',
      description: 'The text the page greets visitors with',
    });
    // The quota check sits on the last page, left out of the review and
    // of the action's input.
    expect(template.spec.parameters[1].properties.quotaFit).toMatchObject({
      'ui:field': 'KnotQuotaFit',
      'ui:options': { chart: 'hello-kubernetes', version: '1.0.2' },
      'ui:backstage': { review: { show: false } },
    });
    expect(template.spec.steps[0].input).toEqual({
      chart: 'hello-kubernetes',
      version: '1.0.2',
      name: '${{ parameters.name }}',
      profile: '${{ parameters.profile }}',
      values: '${{ parameters.values }}',
    });
  });

  it('offers choices of the bundled charts as enums', async () => {
    const charts = await new ChartCatalog(
      [new LocalChartSource(bundled, 'bundled')],
      NO_PROFILES,
    ).list();
    const browser = templateFromChart(
      charts.find(c => c.name === 'file-browser')!,
      options,
    ) as any;
    expect(
      browser.spec.parameters[1].properties.values.properties.root.enum,
    ).toEqual(['private', 'shared', 'both']);
    expect(
      browser.spec.parameters[1].properties.values.properties.writable,
    ).toMatchObject({
      type: 'boolean',
      default: true,
    });
    const notebook = templateFromChart(
      charts.find(c => c.name === 'jupyter-notebook')!,
      options,
    ) as any;
    expect(
      notebook.spec.parameters[1].properties.values.properties.resources
        .properties.memory,
    ).toMatchObject({
      type: 'string',
      default: '2Gi',
      description: 'memory limit',
    });
  });

  it('generates a form for any chart: nested values, lists, booleans, choices, hidden', async () => {
    const dir = await tempCharts({
      custom: {
        'Chart.yaml':
          'apiVersion: v2\nname: custom\nversion: 0.3.1\ndescription: Not bundled\n',
        'values.yaml': `# Header of the file, not about any value.

# Number of workers
workers: 3
ratio: 0.5 # fraction of memory for caches
debug: false
# Ports to open
ports:
  - 8080
  - 9090
server:  # the web server
  # Log verbosity
  logLevel: info
  tls:
    enabled: true   # serve HTTPS
    secret: ""
  internalToken: abc
empty: {}
tags: []
knot:
  enabled: false
  hostname: x
  metadata:
    server.internalToken:
      hidden: true
    server:
      logLevel:
        title: Log level
        choices: [debug, info, warn]
    debug:
      help: Verbose logs
    tags:
      choices: [a, b]
`,
      },
      invisible: {
        'Chart.yaml':
          'apiVersion: v2\nname: invisible\nversion: 1.0.0\nannotations:\n  knot-hidden: "true"\n',
        'values.yaml': 'a: 1\n',
      },
    });
    const charts = await new ChartCatalog(
      [new LocalChartSource(dir, 'test')],
      NO_PROFILES,
    ).list();
    expect(charts.map(c => c.name)).toEqual(['custom']);
    const template = templateFromChart(charts[0], options) as any;
    expect(template.metadata.name).toBe('knot-custom-0-3-1');
    const form = template.spec.parameters[1].properties.values;
    expect(form.properties).toEqual({
      workers: {
        type: 'integer',
        default: 3,
        title: 'Workers',
        description: 'Number of workers',
      },
      ratio: {
        type: 'number',
        default: 0.5,
        title: 'Ratio',
        description: 'fraction of memory for caches',
      },
      debug: {
        type: 'boolean',
        default: false,
        title: 'Debug',
        description: 'Verbose logs',
      },
      ports: {
        type: 'array',
        items: { type: 'integer' },
        default: [8080, 9090],
        title: 'Ports',
        description: 'Ports to open',
      },
      server: {
        type: 'object',
        title: 'Server',
        description: 'the web server',
        properties: {
          logLevel: {
            type: 'string',
            default: 'info',
            title: 'Log level',
            description: 'Log verbosity',
            enum: ['debug', 'info', 'warn'],
          },
          tls: {
            type: 'object',
            title: 'TLS',
            properties: {
              enabled: {
                type: 'boolean',
                default: true,
                title: 'Enabled',
                description: 'serve HTTPS',
              },
              secret: { type: 'string', default: '', title: 'Secret' },
            },
          },
        },
      },
      // An empty map: names and values of the user's own.
      empty: {
        type: 'object',
        additionalProperties: { type: 'string' },
        title: 'Empty',
      },
      tags: {
        type: 'array',
        items: { type: 'string', enum: ['a', 'b'] },
        uniqueItems: true,
        default: [],
        title: 'Tags',
      },
    });
    expect(template.spec.steps[0].input.values).toBe(
      '${{ parameters.values }}',
    );
  });

  it('prefers values.schema.json and still hides knot.* and hidden values', async () => {
    const dir = await tempCharts({
      schema: {
        'Chart.yaml': 'apiVersion: v2\nname: schema\nversion: 1.0.0\n',
        'values.yaml':
          'size: 5\nsecret: s\nknot:\n  metadata:\n    secret:\n      hidden: true\n',
        'values.schema.json': JSON.stringify({
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          required: ['size', 'secret'],
          properties: {
            size: {
              type: 'integer',
              minimum: 1,
              description: 'Disk size in GiB',
            },
            secret: { type: 'string' },
            knot: { type: 'object' },
          },
        }),
      },
    });
    const [chart] = await new ChartCatalog(
      [new LocalChartSource(dir, 'test')],
      NO_PROFILES,
    ).list();
    const form = (templateFromChart(chart, options) as any).spec.parameters[1]
      .properties.values;
    expect(form.required).toEqual(['size']);
    expect(form.properties).toEqual({
      size: {
        type: 'integer',
        minimum: 1,
        default: 5,
        title: 'Size',
        description: 'Disk size in GiB',
      },
    });
  });
});
