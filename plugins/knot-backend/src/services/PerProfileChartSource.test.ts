import { ChartCatalog } from './ChartCatalog';
import type { ChartInfo, ChartSource } from './ChartSource';
import { PerProfileChartSource } from './PerProfileChartSource';

function chart(name: string, version: string, source: string): ChartInfo {
  return {
    name,
    version,
    title: name,
    tags: [],
    annotations: {},
    labels: {},
    hidden: false,
    singleton: false,
    valuesYaml: '',
    source,
    helmRef: { chart: `/charts/${name}` },
  };
}

/** Per-profile locations: only alice's and the team's exist. */
const locations: Record<string, ChartInfo[]> = {
  'oci://r/alice': [chart('app', '1.0.0', 'oci://r/alice')],
  'oci://r/devs': [chart('tool', '2.0.0', 'oci://r/devs')],
};

describe('PerProfileChartSource', () => {
  it("reads each profile's location and marks the charts as the profile's", async () => {
    const created: string[] = [];
    const source = new PerProfileChartSource(
      'oci://r/{profile}',
      {
        list: async () => [
          { name: 'alice', team: false },
          { name: 'bob', team: false },
          { name: 'devs', team: true },
        ],
      },
      (url): ChartSource => {
        created.push(url);
        return { list: async () => locations[url] ?? [] };
      },
    );
    const charts = await source.list();
    expect(
      charts
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(c => [c.name, c.profile]),
    ).toEqual([
      ['app', { name: 'alice', team: false }],
      ['tool', { name: 'devs', team: true }],
    ]);
    await source.list();
    // One source per location, kept (with its caches) between listings.
    expect(created.sort()).toEqual([
      'oci://r/alice',
      'oci://r/bob',
      'oci://r/devs',
    ]);
  });

  it('warns and offers nothing when the profiles cannot be listed', async () => {
    const warnings: string[] = [];
    const source = new PerProfileChartSource(
      'oci://r/{profile}',
      {
        list: async () => {
          throw new Error('knot is down');
        },
      },
      () => ({ list: async () => [] }),
      w => warnings.push(w),
    );
    expect(await source.list()).toEqual([]);
    expect(warnings).toEqual([
      'Per-profile charts oci://r/{profile}: cannot list profiles: knot is down',
    ]);
  });
});

describe('ChartCatalog with private charts', () => {
  const catalog = new ChartCatalog([
    {
      list: async () => [
        chart('app', '1.0.0', 'bundled'),
        {
          ...chart('app', '1.0.0', 'oci://r/alice'),
          profile: { name: 'alice', team: false },
        },
        {
          ...chart('own', '0.1.0', 'oci://r/alice'),
          profile: { name: 'alice', team: false },
        },
      ],
    },
  ]);

  it("finds a profile's own chart first, global charts for others", async () => {
    expect((await catalog.find('app', '1.0.0', 'alice'))?.source).toBe(
      'oci://r/alice',
    );
    expect((await catalog.find('app', undefined, 'bob'))?.source).toBe(
      'bundled',
    );
    expect((await catalog.find('app'))?.source).toBe('bundled');
    expect(await catalog.find('own', undefined, 'bob')).toBeUndefined();
    expect(await catalog.owners('own')).toEqual(['alice']);
    expect(await catalog.owners('app', '1.0.0')).toEqual(['alice']);
  });
});
