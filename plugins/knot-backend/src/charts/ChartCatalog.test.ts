import { testChartInfo } from '@knot-platform/knot-test-utils';
import { ChartCatalog } from './ChartCatalog';

const chart = testChartInfo;

describe('ChartCatalog with private charts', () => {
  const catalog = new ChartCatalog(
    [
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
    ],
    { profiles: async () => [{ name: 'alice', team: false }] },
  );

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
