import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';

/** `knot.services` as the chart catalog sees it. */
export interface ChartsConfig {
  /** The bundled charts: one unpacked chart per sub-folder. */
  chartsDir: string;
  /** How long a listing of every source is reused. */
  cacheMs: number;
  /** Owner of the Templates of global charts. */
  templateOwner: string;
}

/**
 * The bundled charts: shipped in the package (`charts/`, copied there when
 * packed), or `charts/` at the repository root when run from source.
 */
function defaultChartsDir(): string {
  const packageDir = resolvePackagePath('@knot-platform/plugin-knot-backend');
  const shipped = path.join(packageDir, 'charts');
  return existsSync(shipped)
    ? shipped
    : path.resolve(packageDir, '../../charts');
}

export function readChartsConfig(config: Config): ChartsConfig {
  return {
    chartsDir: path.resolve(
      config.getOptionalString('knot.services.chartsDir') ?? defaultChartsDir(),
    ),
    cacheMs:
      (config.getOptionalNumber('knot.services.chartsCacheSeconds') ?? 30) *
      1000,
    templateOwner:
      config.getOptionalString('knot.services.templateOwner') ??
      'group:default/knot-admins',
  };
}
