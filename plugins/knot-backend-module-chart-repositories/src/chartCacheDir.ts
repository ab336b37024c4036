import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * Where charts downloaded from one remote source are kept: a folder per
 * source URL under `base` (default `$TMPDIR/knot-chart-cache`).
 */
export function chartCacheDir(url: string, base?: string): string {
  const key = crypto
    .createHash('sha256')
    .update(url)
    .digest('hex')
    .slice(0, 16);
  return path.join(base ?? path.join(os.tmpdir(), 'knot-chart-cache'), key);
}
