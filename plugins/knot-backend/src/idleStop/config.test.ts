import { ConfigReader } from '@backstage/config';
import { parseIdleDuration, readIdleStopConfig } from './config';

describe('idle durations', () => {
  it('reads hours, minutes, seconds, days and their sums', () => {
    expect(parseIdleDuration('8h', 'x')).toBe(8 * 3_600_000);
    expect(parseIdleDuration('45m', 'x')).toBe(45 * 60_000);
    expect(parseIdleDuration('45 min', 'x')).toBe(45 * 60_000);
    expect(parseIdleDuration('1h30m', 'x')).toBe(90 * 60_000);
    expect(parseIdleDuration('90s', 'x')).toBe(90_000);
    expect(parseIdleDuration('2d', 'x')).toBe(2 * 86_400_000);
  });

  it('reads never as no idle time', () => {
    for (const word of ['never', 'off', 'disabled', 'Never']) {
      expect(parseIdleDuration(word, 'x')).toBeUndefined();
    }
  });

  it('refuses what is not a duration, naming the setting', () => {
    for (const bad of ['8', 'eight hours', '8h then', '', '0m', '8y']) {
      expect(() => parseIdleDuration(bad, 'knot/idle-after')).toThrow(
        /knot\/idle-after must be/,
      );
    }
  });
});

describe('knot.services.idleStop', () => {
  const read = (idleStop?: object) =>
    readIdleStopConfig(
      new ConfigReader({ knot: { services: idleStop ? { idleStop } : {} } }),
    );

  it('stops nothing by default; checks every 5 min, flushes every minute', () => {
    expect(read()).toEqual({
      defaultAfterMs: undefined,
      checkIntervalMs: 300_000,
      flushIntervalMs: 60_000,
    });
  });

  it('reads the default idle time and the intervals', () => {
    expect(
      read({ defaultAfter: '8h', checkInterval: '5s', flushInterval: '2s' }),
    ).toEqual({
      defaultAfterMs: 8 * 3_600_000,
      checkIntervalMs: 5_000,
      flushIntervalMs: 2_000,
    });
    expect(read({ defaultAfter: false }).defaultAfterMs).toBeUndefined();
  });

  it('refuses a never interval and a typo at start-up', () => {
    expect(() => read({ checkInterval: 'never' })).toThrow(
      /checkInterval cannot be 'never'/,
    );
    expect(() => read({ defaultAfter: '8 hours-ish' })).toThrow(
      /defaultAfter must be a duration/,
    );
  });
});
