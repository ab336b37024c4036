import type { Config } from '@backstage/config';

/** `knot.services.idleStop`: stopping services nobody opens. */
export interface IdleStopConfig {
  /** Idle time after which a service is stopped; undefined: never. */
  defaultAfterMs?: number;
  /** How often the stopper looks for idle services. */
  checkIntervalMs: number;
  /** How often each replica writes the accesses it saw to the cluster. */
  flushIntervalMs: number;
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * `8h`, `45m`, `1h30m`, `90s`, `2d` → milliseconds; `never`, `off` or
 * `disabled` → undefined (never stopped). Anything else is an error naming
 * the setting, so a typo does not silently stop (or keep) everything.
 */
export function parseIdleDuration(
  value: string,
  setting: string,
): number | undefined {
  const text = value.trim().toLocaleLowerCase('en-US');
  if (['never', 'off', 'disabled', 'false'].includes(text)) return undefined;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|min|s|m|h|d)/g)];
  const rest = text.replace(/(\d+(?:\.\d+)?)\s*(ms|min|s|m|h|d)/g, '').trim();
  if (parts.length === 0 || rest !== '') {
    throw new Error(
      `${setting} must be a duration like '8h', '45m' or '1h30m', or 'never'; not '${value}'`,
    );
  }
  const ms = parts.reduce(
    (sum, [, n, unit]) => sum + Number(n) * UNITS[unit],
    0,
  );
  if (!(ms > 0)) {
    throw new Error(`${setting} must be longer than zero, or 'never'`);
  }
  return ms;
}

function durationSetting(
  config: Config | undefined,
  key: string,
  fallback: string,
): number | undefined {
  const value = config?.getOptional(key);
  if (value === undefined) {
    return parseIdleDuration(fallback, `knot.services.idleStop.${key}`);
  }
  if (value === false) return undefined;
  return parseIdleDuration(String(value), `knot.services.idleStop.${key}`);
}

export function readIdleStopConfig(config: Config): IdleStopConfig {
  const idle = config.getOptionalConfig('knot.services.idleStop');
  const required = (key: string, fallback: string) => {
    const ms = durationSetting(idle, key, fallback);
    if (ms === undefined) {
      throw new Error(`knot.services.idleStop.${key} cannot be 'never'`);
    }
    return ms;
  };
  return {
    defaultAfterMs: durationSetting(idle, 'defaultAfter', 'never'),
    checkIntervalMs: required('checkInterval', '5m'),
    flushIntervalMs: required('flushInterval', '60s'),
  };
}
