import { gzipSync } from 'node:zlib';
import type { V1Secret } from '@kubernetes/client-node';
import { mockProfileAccess } from '@knot-platform/knot-test-utils';
import { Helm } from './Helm';
import { ReleaseEntities } from './releaseEntities';
import { helmListTime, latestReleases } from './ReleaseRecords';

/** A release Secret as helm 3 writes it (the Secret's data as the API returns it). */
function record(
  namespace: string,
  name: string,
  version: number,
  status = 'deployed',
): V1Secret {
  const release = {
    name,
    namespace,
    version,
    info: { status, last_deployed: '2026-12-02T15:22:25.123456789Z' },
    chart: {
      metadata: {
        name: 'hello-kubernetes',
        version: '1.0.0',
        appVersion: '1.10',
      },
    },
  };
  const helmEncoded = gzipSync(JSON.stringify(release)).toString('base64');
  return {
    metadata: {
      name: `sh.helm.release.v1.${name}.v${version}`,
      namespace,
      labels: { owner: 'helm', name, version: String(version), status },
    },
    data: { release: Buffer.from(helmEncoded).toString('base64') },
  };
}

describe('ReleaseRecords', () => {
  it('prints times as helm list does', () => {
    expect(helmListTime('2026-12-02T15:22:25.123456789Z')).toBe(
      '2026-12-02 15:22:25.123456789 +0000 UTC',
    );
    expect(helmListTime('2026-12-02T15:22:25Z')).toBe(
      '2026-12-02 15:22:25 +0000 UTC',
    );
  });

  it('answers the latest revision of each release, sorted by name', () => {
    const releases = latestReleases([
      record('knot-alice', 'web', 1, 'superseded'),
      record('knot-alice', 'web', 10),
      record('knot-alice', 'web', 2, 'superseded'),
      record('knot-alice', 'app', 1, 'failed'),
      // Not helm's: ignored.
      { metadata: { name: 'other', labels: { owner: 'me', name: 'x' } } },
    ]);
    expect(releases).toEqual([
      {
        name: 'app',
        namespace: 'knot-alice',
        revision: '1',
        updated: '2026-12-02 15:22:25.123456789 +0000 UTC',
        status: 'failed',
        chart: 'hello-kubernetes-1.0.0',
        app_version: '1.10',
      },
      expect.objectContaining({
        name: 'web',
        revision: '10',
        status: 'deployed',
      }),
    ]);
  });

  it('skips a record it cannot decode instead of failing the list', () => {
    const broken = record('knot-alice', 'bad', 1);
    broken.data = { release: 'bm90IGd6aXA=' };
    expect(latestReleases([broken, record('knot-alice', 'ok', 1)])).toEqual([
      expect.objectContaining({ name: 'ok' }),
    ]);
  });

  it('lets helm list through the records, without starting helm', async () => {
    const records = { list: jest.fn(async () => []) };
    const helm = new Helm('/no/such/helm', undefined, undefined, records);
    await expect(helm.list('knot-alice')).resolves.toEqual([]);
    expect(records.list).toHaveBeenCalledWith('knot-alice');
    // A selector is helm's own feature: still helm (missing here).
    await expect(helm.list('knot-alice', 'a=b')).rejects.toThrow(
      /cannot run \/no\/such\/helm/,
    );
  });
});

describe('release Components', () => {
  it('look each profile owner up once, not once per release', async () => {
    const access = mockProfileAccess();
    const ownerRef = jest.spyOn(access, 'ownerRef');
    const releases = latestReleases(
      ['alice', 'bob', 'carol'].flatMap(p => [
        record(`knot-${p}`, 'a', 1),
        record(`knot-${p}`, 'b', 1),
        record(`knot-${p}`, 'c', 1),
      ]),
    );
    const run = jest.fn(async (_args: string[]) => ({
      stdout: JSON.stringify(releases),
      stderr: '',
    }));
    const helm = { run };
    const entities = new ReleaseEntities(
      helm as unknown as Helm,
      access,
      { domain: 'knot.test', scheme: 'https' },
      'knot-',
    );
    const { items } = await entities.list();
    expect(items).toHaveLength(9);
    expect(ownerRef).toHaveBeenCalledTimes(3);
    // Every release, not helm's default first 256 (bench/scale, N = 500).
    expect(run.mock.calls[0][0]).toEqual(
      expect.arrayContaining(['--max', '0']),
    );
  });
});
