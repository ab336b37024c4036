import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { readFileSync } from 'node:fs';

/** The version of this plugin, read from its package.json. */
export function readPackageVersion(): string {
  const path = resolvePackagePath(
    '@knot-platform/plugin-knot-backend',
    'package.json',
  );
  return JSON.parse(readFileSync(path, 'utf8')).version;
}
