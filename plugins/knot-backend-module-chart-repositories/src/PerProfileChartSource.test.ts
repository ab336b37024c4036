import type { ChartInfo, ChartSource } from '@knot-platform/plugin-knot-node';
import { testChartInfo } from '@knot-platform/knot-test-utils';
import { PerProfileChartSource } from './PerProfileChartSource';

const chart = testChartInfo;

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
      (url): ChartSource => {
        created.push(url);
        return { list: async () => locations[url] ?? [] };
      },
    );
    const context = {
      profiles: async () => [
        { name: 'alice', team: false },
        { name: 'bob', team: false },
        { name: 'devs', team: true },
      ],
    };
    const charts = await source.list(context);
    expect(
      charts
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(c => [c.name, c.profile]),
    ).toEqual([
      ['app', { name: 'alice', team: false }],
      ['tool', { name: 'devs', team: true }],
    ]);
    await source.list(context);
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
      () => ({ list: async () => [] }),
      { warn: w => warnings.push(w) },
    );
    const context = {
      profiles: async () => {
        throw new Error('knot is down');
      },
    };
    expect(await source.list(context)).toEqual([]);
    expect(warnings).toEqual([
      'Per-profile charts oci://r/{profile}: cannot list profiles: knot is down',
    ]);
  });
});
