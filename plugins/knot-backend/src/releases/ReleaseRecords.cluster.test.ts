import path from 'node:path';
import {
  BUNDLED_CHARTS_DIR,
  createProfileNamespace,
  describeWithCluster,
  helmReleases,
  runHelm,
  testKubeconfig,
  testUsername,
  uninstallReleases,
} from '@knot-platform/knot-test-utils';
import { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { ReleaseRecords } from './ReleaseRecords';

jest.setTimeout(120_000);

/**
 * The release list read from the API server is the real helm's: releases
 * installed, upgraded (a second revision), failed and uninstalled with
 * history kept, listed both ways in the same namespace.
 */
describeWithCluster('ReleaseRecords against the real helm', () => {
  const user = testUsername('records');
  let profile: Awaited<ReturnType<typeof createProfileNamespace>>;

  beforeAll(async () => {
    profile = await createProfileNamespace(user);
  });
  afterAll(async () => {
    await uninstallReleases(profile.namespace);
    await runHelm(['uninstall', 'kept', '-n', profile.namespace]).catch(
      () => {},
    );
    await profile.remove();
  });

  it('lists what `helm list --all` lists, field for field', async () => {
    const chart = path.join(BUNDLED_CHARTS_DIR, 'hello-kubernetes');
    const ns = ['-n', profile.namespace];
    await runHelm(['install', 'alpha', chart, ...ns]);
    await runHelm(['install', 'beta', chart, ...ns]);
    await runHelm(['upgrade', 'beta', chart, ...ns, '--set', 'x=1']);
    await runHelm(['install', 'kept', chart, ...ns]);
    await runHelm(['uninstall', 'kept', '--keep-history', ...ns]);

    const records = await new ReleaseRecords(
      new KubernetesClientFactory(testKubeconfig()),
    ).list(profile.namespace);
    const helm = await helmReleases(profile.namespace);
    expect(records.map(r => `${r.name}@${r.revision}:${r.status}`)).toEqual([
      'alpha@1:deployed',
      'beta@2:deployed',
      'kept@1:uninstalled',
    ]);
    expect(records).toEqual(helm);
  });
});
