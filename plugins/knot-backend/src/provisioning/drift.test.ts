import { parseQuantity } from '@knot-platform/plugin-knot-common';
import { findDrift } from './drift';

describe('parseQuantity', () => {
  it('reads decimal, binary and exponent suffixes', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2Gi')).toBe(2 * 2 ** 30);
    expect(parseQuantity('1k')).toBe(1000);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('bogus')).toBeUndefined();
  });
});

describe('findDrift', () => {
  it('ignores fields Knot does not set (server defaults, status)', () => {
    expect(
      findDrift(
        { spec: { a: 1 } },
        { spec: { a: 1, b: 2 }, status: { phase: 'Bound' } },
      ),
    ).toBeUndefined();
  });

  it('names the first differing path', () => {
    expect(
      findDrift(
        { metadata: { labels: { owner: 'alice' } } },
        { metadata: { labels: { owner: 'bob' } } },
      ),
    ).toBe('.metadata.labels.owner');
    expect(findDrift({ s: [1, 2] }, { s: [1] })).toBe('.s');
    expect(findDrift({ s: { x: 1 } }, {})).toBe('.s');
  });

  it('treats canonicalised quantities as equal', () => {
    expect(findDrift({ cpu: '1000m' }, { cpu: '1' })).toBeUndefined();
    expect(findDrift({ memory: '1Gi' }, { memory: '1024Mi' })).toBeUndefined();
    expect(findDrift({ memory: '1Gi' }, { memory: '2Gi' })).toBe('.memory');
  });
});
