// Does to a fresh create-app app what an adopter does to add Knot: depends on
// each Knot plugin/module from the package that hosts it (frontend plugins
// in packages/app, backend plugins and modules in packages/backend) and adds
// the lines of each package's README (or of install-lines.md while the
// README has none) to the entry files and app-config.yaml.
//
//   node patch-app.mjs <app dir> <unpacked dir> <install-lines.md>
//
// <app dir>/knot-packages/<slug>.tgz are the packed packages and
// <unpacked dir>/<slug>/package their contents. Where an adopter would get
// the packages from a registry, root `resolutions` point every Knot package
// name at its tarball, so Knot's packages find each other too.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APP_CONFIG,
  APP_ENTRY,
  BACKEND_INDEX,
  installBlocks,
  installBlocksOfSection,
} from './install-lines.mjs';
import { patchAppEntry, patchBackendIndex } from './entry-files.mjs';

const [appDir, unpackedDir, fallbackFile] = process.argv.slice(2);
const fallback = readFileSync(fallbackFile, 'utf8');
const readJson = path => JSON.parse(readFileSync(path, 'utf8'));
const writeJson = (path, value) =>
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
const errors = [];

/** Which app package hosts a package of this Backstage role. */
function hostOf(role) {
  if (/^frontend-plugin(-module)?$/.test(role)) return 'app';
  if (/^backend-plugin(-module)?$/.test(role)) return 'backend';
  return undefined; // libraries: installed as dependencies of the plugins
}

const packs = readdirSync(join(appDir, 'knot-packages'))
  .filter(f => f.endsWith('.tgz'))
  .sort()
  .map(file => {
    const slug = file.replace(/\.tgz$/, '');
    const dir = join(unpackedDir, slug, 'package');
    const manifest = readJson(join(dir, 'package.json'));
    const readme = existsSync(join(dir, 'README.md'))
      ? readFileSync(join(dir, 'README.md'), 'utf8')
      : '';
    return { file, manifest, readme };
  });

const root = readJson(join(appDir, 'package.json'));
root.resolutions ??= {};
for (const { file, manifest } of packs) {
  root.resolutions[manifest.name] = `file:./knot-packages/${file}`;
}
writeJson(join(appDir, 'package.json'), root);

const edits = { [BACKEND_INDEX]: [], [APP_ENTRY]: [], [APP_CONFIG]: [] };
for (const { manifest, readme } of packs) {
  const host = hostOf(manifest.backstage?.role ?? '');
  if (!host) continue;
  let blocks = installBlocks(readme);
  let from = 'its README';
  if (blocks.length === 0) {
    blocks = installBlocksOfSection(fallback, manifest.name);
    from = 'install-lines.md';
  }
  if (blocks.length === 0) {
    errors.push(
      `${manifest.name}: no install lines in its README nor in install-lines.md`,
    );
    continue;
  }
  const hostJson = join(appDir, 'packages', host, 'package.json');
  const hostManifest = readJson(hostJson);
  hostManifest.dependencies[manifest.name] = `^${manifest.version}`;
  writeJson(hostJson, hostManifest);
  console.log(
    `  ${manifest.name}@^${manifest.version} → packages/${host} (lines from ${from})`,
  );
  for (const block of blocks)
    edits[block.file].push({ ...block, name: manifest.name });
}

for (const [file, blocks] of Object.entries(edits)) {
  const path = join(appDir, file);
  let text = readFileSync(path, 'utf8');
  for (const block of blocks) {
    try {
      if (file === BACKEND_INDEX) text = patchBackendIndex(text, block);
      else if (file === APP_ENTRY) text = patchAppEntry(text, block);
      else text = appendConfig(text, block);
    } catch (error) {
      errors.push(`${block.name}: ${error.message}`);
    }
  }
  writeFileSync(path, text);
}

/** YAML blocks are appended; a top-level key the app already has is refused. */
function appendConfig(text, block) {
  const keys = source =>
    new Set([...source.matchAll(/^([\w-]+):/gm)].map(m => m[1]));
  const existing = keys(text);
  const added = block.add.join('\n');
  const clash = [...keys(added)].filter(k => existing.has(k));
  if (clash.length > 0) {
    throw new Error(
      `app-config.yaml already has top-level ${clash.join(
        ', ',
      )}: merge by hand`,
    );
  }
  return `${text.trimEnd()}\n\n# ${block.name}\n${added}\n`;
}

for (const e of errors) console.log(`  - ${e}`);
process.exit(errors.length > 0 ? 1 : 0);
