import { readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  changedFormValues,
  createProfileNamespace,
  createTestDatabases,
  describeWithCluster,
  FORM_CORPUS_DIR,
  helmReleases,
  helmValues,
  mergeConfig,
  seedKnotUsers,
  servicesTestConfigData,
  testUsername,
  uninstallReleases,
} from '@knot-platform/knot-test-utils';
import {
  CHART_ANNOTATION,
  KNOT_VALUES_KEY,
} from '@knot-platform/plugin-knot-common';
import validator from '@rjsf/validator-ajv8';
import { createTemplateRenderer, type TemplateValue } from 'nunjitsu';
import { startInstallAction } from './__testUtils__/installAction';

jest.setTimeout(180_000);

const databases = createTestDatabases();

/** The Templates the knot plugin makes of its charts, as the catalog reads them. */
async function chartTemplates(backend: { server: { port(): number } }) {
  const response = await fetch(
    `http://localhost:${backend.server.port()}/api/knot/catalog/entities/templates`,
    { headers: { Authorization: mockCredentials.service.header() } },
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { items: { entity: any }[] };
  return new Map(
    body.items.map(i => [
      i.entity.metadata.annotations[CHART_ANNOTATION] as string,
      i.entity,
    ]),
  );
}

/** The form's own validation of each page, as the Create form runs it. */
function pageErrors(template: any, formData: Record<string, unknown>) {
  return template.spec.parameters.flatMap((page: any) =>
    validator
      .validateFormData(formData, page)
      .errors.map(e => `${page.title}: ${e.stack}`),
  );
}

/**
 * The step's input as the scaffolder renders it from the form's data: its
 * own template engine (nunjitsu), value by value, as NunjucksWorkflowRunner
 * does.
 */
function renderStepInput(template: any, parameters: Record<string, unknown>) {
  const renderer = createTemplateRenderer({ allowRegexExecution: true });
  const input = template.spec.steps[0].input;
  return JSON.parse(JSON.stringify(input), (_key, value) =>
    typeof value === 'string'
      ? renderer.renderValue(value, { parameters: parameters as TemplateValue })
      : value,
  );
}

describeWithCluster(
  'generated forms, deployed with every field changed',
  () => {
    const user = testUsername('frm');
    let profile: Awaited<ReturnType<typeof createProfileNamespace>>;
    let started: Awaited<ReturnType<typeof startInstallAction>>;
    let templates: Map<string, any>;

    beforeAll(async () => {
      profile = await createProfileNamespace(user);
      started = await startInstallAction({
        config: mergeConfig(servicesTestConfigData(), {
          knot: { services: { chartsDir: FORM_CORPUS_DIR } },
        }),
      });
      templates = await chartTemplates(started.backend);
    });
    afterAll(async () => {
      await uninstallReleases(profile.namespace);
      await profile.remove();
    });

    it('offers a Template for each of the 20+ charts of the corpus', async () => {
      const corpus = (await fs.readdir(FORM_CORPUS_DIR)).sort();
      expect(corpus.length).toBeGreaterThanOrEqual(20);
      expect([...templates.keys()].sort()).toEqual(corpus);
    });

    it.each(readdirSync(FORM_CORPUS_DIR).sort())(
      '%s: helm installs exactly the values of the form',
      async chart => {
        const template = templates.get(chart);
        const form = template.spec.parameters[1].properties.values;
        const values = changedFormValues(form) as Record<string, unknown>;
        const formData = { name: chart, profile: user, values };
        expect(pageErrors(template, formData)).toEqual([]);

        const input = renderStepInput(template, formData);
        expect(input).toEqual({
          chart,
          version: '1.0.0',
          name: chart,
          profile: user,
          values,
        });
        const { ctx, done } = started.run(input, user);
        await done;
        expect(ctx.output).toHaveBeenCalledWith('namespace', profile.namespace);
        expect(ctx.output).toHaveBeenCalledWith('release', chart);

        const { [KNOT_VALUES_KEY]: knot, ...installed } = await helmValues(
          chart,
          profile.namespace,
        );
        expect(installed).toEqual(values);
        // Knot's own values are Knot's: the release's, whatever the chart offers.
        expect(knot).toMatchObject({
          username: user,
          namespace: profile.namespace,
        });
      },
    );
  },
);

describeWithCluster('an admin deploying a value named like a profile', () => {
  const admin = testUsername('adm');
  const chosen = testUsername('cho');
  const other = testUsername('oth');
  const namespaces: Awaited<ReturnType<typeof createProfileNamespace>>[] = [];

  afterAll(async () => {
    for (const ns of namespaces) {
      await uninstallReleases(ns.namespace);
      await ns.remove();
    }
  });

  it('lands in the profile the admin chose, never in the one the value names', async () => {
    for (const name of [admin, chosen, other]) {
      namespaces.push(await createProfileNamespace(name));
    }
    // The corpus's lab chart, its `profile` value offering the other profile.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-lab-'));
    await fs.cp(
      path.join(FORM_CORPUS_DIR, 'lab-profiles'),
      path.join(dir, 'lab-profiles'),
      { recursive: true },
    );
    const valuesFile = path.join(dir, 'lab-profiles', 'values.yaml');
    await fs.writeFile(
      valuesFile,
      (
        await fs.readFile(valuesFile, 'utf8')
      ).replace(
        'choices: [small, medium, large]',
        `choices: [small, ${other}, ${admin}]`,
      ),
    );
    const knex = await databases.init('SQLITE_3');
    const { backend, run } = await startInstallAction({
      knex,
      config: mergeConfig(servicesTestConfigData(), {
        knot: { services: { chartsDir: dir } },
      }),
    });
    await seedKnotUsers(knex, { users: [chosen, other], admins: [admin] });
    const template = (await chartTemplates(backend)).get('lab-profiles');
    expect(
      template.spec.parameters[1].properties.values.properties.profile.enum,
    ).toEqual(['small', other, admin]);

    const formData = {
      name: 'lab',
      profile: chosen,
      values: { name: other, profile: other, extraEnv: { PROFILE: admin } },
    };
    expect(pageErrors(template, formData)).toEqual([]);
    const { ctx, done } = run(renderStepInput(template, formData), admin);
    await done;
    expect(ctx.output).toHaveBeenCalledWith('namespace', `knot-${chosen}`);

    expect((await helmReleases(`knot-${chosen}`)).map(r => r.name)).toEqual([
      'lab',
    ]);
    expect(await helmReleases(`knot-${other}`)).toEqual([]);
    expect(await helmReleases(`knot-${admin}`)).toEqual([]);
    const installed = await helmValues('lab', `knot-${chosen}`);
    expect(installed).toMatchObject({
      ...formData.values,
      [KNOT_VALUES_KEY]: { username: chosen, namespace: `knot-${chosen}` },
    });
  });
});
