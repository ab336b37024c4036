import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  createProfileNamespace,
  describeWithCluster,
  FORM_CORPUS_DIR,
  helmValues,
  mergeConfig,
  runHelm,
  servicesTestConfigData,
  startKnotTestBackend,
  testUsername,
  uninstallReleases,
} from '@knot-platform/knot-test-utils';
import {
  KNOT_VALUES_KEY,
  RELEASE_CHART_LABEL,
} from '@knot-platform/plugin-knot-common';
import validator from '@rjsf/validator-ajv8';
import request from 'supertest';

jest.setTimeout(120_000);

/**
 * Releases deployed before the chart's values moved under one Template
 * parameter: helm holds their values as it always did (the chart's values at
 * the top, Knot's under knot), written here with helm itself, and the forms
 * of the old generation left out empty maps. "Change values" must still open
 * on them and upgrade them to exactly what is submitted.
 */
describeWithCluster('changing the values of a release deployed before', () => {
  const user = testUsername('old');
  const auth = mockCredentials.user.header(`user:default/${user}`);
  let profile: Awaited<ReturnType<typeof createProfileNamespace>>;
  let tmp: string;

  beforeAll(async () => {
    profile = await createProfileNamespace(user);
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'knot-old-values-'));
  });
  afterAll(async () => {
    await uninstallReleases(profile.namespace);
    await profile.remove();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  /** `helm install` of a corpus chart with values as Knot stored them before. */
  async function installAsBefore(
    chart: string,
    release: string,
    values: Record<string, unknown>,
  ) {
    const file = path.join(tmp, `${release}.json`);
    await fs.writeFile(
      file,
      JSON.stringify({
        ...values,
        [KNOT_VALUES_KEY]: {
          enabled: true,
          username: user,
          namespace: profile.namespace,
          hostname: `${release}-${user}.knot.test`,
        },
      }),
    );
    await runHelm([
      'install',
      release,
      path.join(FORM_CORPUS_DIR, chart),
      '-n',
      profile.namespace,
      '-f',
      file,
      '--labels',
      `${RELEASE_CHART_LABEL}=${chart}`,
    ]);
  }

  it.each([
    {
      chart: 'lab-profiles',
      // The old form had no extraEnv (an empty map) and sent profile as is.
      before: {
        name: 'lab',
        profile: 'medium',
        ui: { theme: 'dark', replicas: 1 },
      },
      after: {
        name: 'lab',
        profile: 'large',
        extraEnv: { HTTP_PROXY: 'http://proxy:3128' },
        ui: { theme: 'light', replicas: 2 },
      },
    },
    {
      chart: 'knot-collide',
      // Values named like the route's own body and Knot's inputs.
      before: {
        name: 'custom-name',
        profile: 'gpu',
        namespace: 'other-namespace',
        values: { nested: true },
        chart: 'not-this-chart',
        version: '2',
        knotSettings: { level: 3 },
        knot_extra: 'kept',
        'knot-mode': 'fast',
      },
      after: {
        name: 'renamed',
        profile: 'cpu',
        namespace: 'elsewhere',
        values: { nested: false },
        chart: 'still-not-this-chart',
        version: '3',
        knotSettings: { level: 4 },
        knot_extra: 'changed',
        'knot-mode': 'slow',
      },
    },
  ])(
    '$chart: the form opens on the stored values and upgrades to exactly the new ones',
    async ({ chart, before, after }) => {
      const { server } = await startKnotTestBackend({
        config: mergeConfig(servicesTestConfigData(), {
          knot: { services: { chartsDir: FORM_CORPUS_DIR } },
        }),
      });
      const release = `${chart.slice(0, 10)}-old`;
      await installAsBefore(chart, release, before);

      const form = await request(server)
        .get(`/api/knot/services/${release}/form`)
        .set('Authorization', auth);
      expect(form.status).toBe(200);
      expect(form.body.values).toEqual(before);
      // The new form accepts what the old one stored.
      expect(
        validator.validateFormData(form.body.values, form.body.schema).errors,
      ).toEqual([]);

      const put = await request(server)
        .put(`/api/knot/services/${release}/values`)
        .set('Authorization', auth)
        .send({ values: after });
      expect(put.status).toBe(204);
      const { [KNOT_VALUES_KEY]: knot, ...installed } = await helmValues(
        release,
        profile.namespace,
      );
      expect(installed).toEqual(after);
      expect(knot).toMatchObject({
        username: user,
        namespace: profile.namespace,
      });
    },
  );
});
