// Checks one packed Knot package (`yarn pack` output) for what an adopter's
// install needs, and prints one line per problem (exit 1 when there is any).
//
//   node inspect-tarball.mjs <package dir> <tarball> <unpack dir> \
//     [--scope @knot-platform] [--packed name,name,...] [--repair]
//
// --repair rewrites the tarball's package.json where the fix is mechanical
// (a TypeScript `main`/`types` pointing at src/ while dist/ is built), so the
// later stages can run before the package itself is fixed. Problems are
// reported either way.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { installBlocks } from './install-lines.mjs';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    scope: { type: 'string', default: '@knot-platform' },
    packed: { type: 'string', default: '' },
    repair: { type: 'boolean', default: false },
  },
});
const [sourceDir, tarball, unpackDir] = positionals;
const packed = new Set(values.packed.split(',').filter(Boolean));

rmSync(unpackDir, { recursive: true, force: true });
mkdirSync(unpackDir, { recursive: true });
execFileSync('tar', ['xzf', tarball, '-C', unpackDir]);
const root = join(unpackDir, 'package');
const manifestPath = join(root, 'package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const source = JSON.parse(
  readFileSync(join(sourceDir, 'package.json'), 'utf8'),
);
const role = manifest.backstage?.role ?? '';
const isWeb = /^(frontend-plugin|frontend-plugin-module|web-library)$/.test(
  role,
);
const isPlugin = /^(frontend|backend)-plugin(-module)?$/.test(role);
const problems = [];
const problem = message => problems.push(message);
const has = path => existsSync(join(root, path));

// --- publishable -------------------------------------------------------------
if (manifest.private) problem('"private": true: cannot be published');
if (!manifest.name.startsWith(`${values.scope}/`)) {
  problem(`name ${manifest.name} is not in the ${values.scope} scope`);
}
if (!Array.isArray(source.files))
  problem('no "files" list: the tarball would take everything');
if (!role) problem('no backstage.role');

// --- entry points ----------------------------------------------------------
let repaired = false;
const builtMain = isWeb ? 'dist/index.esm.js' : 'dist/index.cjs.js';
for (const field of ['main', 'module', 'types']) {
  const target = manifest[field];
  if (!target) {
    if (field !== 'module') problem(`no "${field}"`);
    continue;
  }
  const isSource = /\.tsx?$/.test(target) && !target.endsWith('.d.ts');
  if (isSource) {
    problem(
      `"${field}": "${target}" is TypeScript source in the tarball (Node refuses to strip types under node_modules): ` +
        `add publishConfig.${field} (${
          field === 'types' ? 'dist/index.d.ts' : builtMain
        })`,
    );
    const fix = field === 'types' ? 'dist/index.d.ts' : builtMain;
    if (values.repair && has(fix)) {
      manifest[field] = fix;
      repaired = true;
    }
  } else if (!has(target)) {
    problem(`"${field}": "${target}" is not in the tarball`);
  }
}
for (const [entry, target] of Object.entries(
  flattenExports(manifest.exports),
)) {
  if (!has(target))
    problem(`exports "${entry}" → ${target} is not in the tarball`);
  else if (/\.tsx?$/.test(target) && !target.endsWith('.d.ts')) {
    problem(
      `exports "${entry}" → ${target} is TypeScript source (run backstage-cli package prepack)`,
    );
  }
}
if (manifest.bin) {
  for (const [name, target] of Object.entries(
    typeof manifest.bin === 'string'
      ? { [manifest.name]: manifest.bin }
      : manifest.bin,
  )) {
    if (!has(target)) problem(`bin ${name} → ${target} is not in the tarball`);
  }
}

// --- dependencies ----------------------------------------------------------
const runtimeDeps = {
  ...manifest.dependencies,
  ...manifest.peerDependencies,
  ...manifest.optionalDependencies,
};
for (const [name, range] of Object.entries(runtimeDeps)) {
  if (/^(workspace|link|portal|file):/.test(range)) {
    problem(`dependency ${name}@${range} only resolves inside this repository`);
  }
  if (packed.size > 0 && name.startsWith('@internal/') && !packed.has(name)) {
    problem(`dependency ${name} is not one of the packed packages`);
  }
}
// What dist/ loads must be declared: the monorepo's hoisting hides this.
const declared = new Set([manifest.name, ...Object.keys(runtimeDeps)]);
const builtins = new Set(builtinModules.flatMap(m => [m, `node:${m}`]));
const undeclared = new Set();
for (const file of walk(join(root, 'dist')).filter(f =>
  /\.(c|m)?js$/.test(f),
)) {
  const code = readFileSync(file, 'utf8');
  const specifiers = code.matchAll(
    /(?:require\(|import\(|^(?:import|export)\b[^;'"]*?)['"]([^'"]+)['"]/gm,
  );
  for (const [, specifier] of specifiers) {
    if (specifier.startsWith('.') || specifier.startsWith('/')) continue;
    const name = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : specifier.split('/')[0];
    if (
      !builtins.has(name) &&
      !builtins.has(specifier) &&
      !declared.has(name)
    ) {
      undeclared.add(`${name} (${relative(root, file)})`);
    }
  }
}
for (const u of undeclared)
  problem(`dist loads ${u} but it is not a dependency`);
// Files found by package name (migrations, package.json): a name left over
// from a rename throws at start-up in the adopter's backend.
for (const file of walk(join(root, 'dist')).filter(f =>
  /\.(c|m)?js$/.test(f),
)) {
  const code = readFileSync(file, 'utf8');
  for (const [, name] of code.matchAll(
    /resolvePackagePath\(\s*['"]([^'"]+)['"]/g,
  )) {
    if (name !== manifest.name && !declared.has(name)) {
      problem(
        `dist resolves files of ${name} (${relative(
          root,
          file,
        )}), which is neither this package nor a dependency`,
      );
    }
  }
}

// --- files the code reads at run time ---------------------------------------
if (source.configSchema && !has(source.configSchema)) {
  problem(`configSchema ${source.configSchema} is not in the tarball`);
}
if (existsSync(join(sourceDir, 'config.d.ts')) && !manifest.configSchema) {
  problem(
    'config.d.ts exists but "configSchema" does not name it: the app will not validate or show Knot config',
  );
}
if (existsSync(join(sourceDir, 'migrations')) && !has('migrations')) {
  problem('migrations/ is not in the tarball ("files" must list it)');
}

// --- Backstage metadata and docs -----------------------------------------
for (const name of manifest.backstage?.pluginPackages ?? []) {
  if (packed.size > 0 && !packed.has(name)) {
    problem(
      `backstage.pluginPackages lists ${name}, which is not a packed package`,
    );
  }
}
if (/^(frontend|backend)-plugin/.test(role) && !manifest.backstage?.pluginId) {
  problem('no backstage.pluginId');
}
if (/-module$/.test(role) && !manifest.backstage?.pluginPackage) {
  problem('no backstage.pluginPackage (the plugin this module extends)');
}
if (isPlugin) {
  const readme = has('README.md')
    ? readFileSync(join(root, 'README.md'), 'utf8')
    : '';
  if (!readme) problem('no README.md in the tarball');
  else if (installBlocks(readme).length === 0) {
    problem(
      'README.md has no install lines (```ts title="packages/backend/src/index.ts"` or App.tsx blocks)',
    );
  }
}

if (repaired) {
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  execFileSync('tar', ['czf', tarball, '-C', unpackDir, 'package']);
  console.log('  (repaired in the tarball: main/types point at dist/)');
}
for (const p of problems) console.log(`  - ${p}`);
process.exit(problems.length > 0 ? 1 : 0);

function flattenExports(exports, key = '.') {
  if (!exports) return {};
  if (typeof exports === 'string')
    return { [key]: exports.replace(/^\.\//, '') };
  return Object.fromEntries(
    Object.entries(exports).flatMap(([k, v]) =>
      Object.entries(flattenExports(v, k.startsWith('.') ? k : key)),
    ),
  );
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}
