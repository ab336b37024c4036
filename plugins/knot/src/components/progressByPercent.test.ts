import { progressByPercent } from './progressByPercent';

describe('progressByPercent', () => {
  it('passes on the first report, one a percent, and the end', () => {
    const seen: Array<[number, number]> = [];
    const report = progressByPercent((sent, total) => seen.push([sent, total]));
    const total = 1_000_000;
    for (let sent = 0; sent <= total; sent += 977) report(sent, total);
    report(total, total);

    expect(seen[0]).toEqual([0, total]);
    expect(seen).toHaveLength(101);
    expect(seen[seen.length - 1]).toEqual([total, total]);
    const percents = seen.map(([sent]) => Math.floor((100 * sent) / total));
    expect(percents).toEqual(Array.from({ length: 101 }, (_, i) => i));
  });

  it('ends an empty transfer at once', () => {
    const listener = jest.fn();
    const report = progressByPercent(listener);
    report(0, 0);
    report(0, 0);
    expect(listener.mock.calls).toEqual([[0, 0]]);
  });
});
