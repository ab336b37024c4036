// Lists the @backstage packages that Knot's dependency ranges bring into the
// adopter's app a second time, at another version than the app's own (two
// copies of a frontend API package break the app; of others, instanceof and
// shared state). Exit 1 when there is any.
//
//   node backstage-duplicates.mjs <app yarn.lock> <unpacked dir>
//
// <unpacked dir>/<slug>/package/package.json are the packed Knot packages.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [lockFile, unpackedDir] = process.argv.slice(2);

// descriptor ("name@npm:range") → resolved version, per package name
const versions = new Map();
for (const entry of readFileSync(lockFile, 'utf8').split(/\n\n/)) {
  const [head] = entry.split('\n');
  const version = /\n {2}version: (\S+)/.exec(entry)?.[1];
  if (!version || !head.startsWith('"@backstage/')) continue;
  for (const descriptor of head.replace(/:$/, '').split(', ')) {
    const d = descriptor.replace(/^"|"$/g, '');
    const at = d.indexOf('@', 1);
    const name = d.slice(0, at);
    const range = d.slice(at + 1).replace(/^npm:/, '');
    if (!versions.has(name)) versions.set(name, new Map());
    versions.get(name).set(range, version);
  }
}

const problems = [];
for (const slug of readdirSync(unpackedDir)) {
  const manifest = JSON.parse(
    readFileSync(join(unpackedDir, slug, 'package', 'package.json'), 'utf8'),
  );
  const deps = { ...manifest.dependencies, ...manifest.peerDependencies };
  for (const [name, range] of Object.entries(deps)) {
    const byRange = versions.get(name);
    const knots = byRange?.get(range);
    if (!knots) continue;
    const others = [...new Set(byRange.values())].filter(v => v !== knots);
    if (others.length > 0) {
      problems.push(
        `${
          manifest.name
        } asks ${name}@${range} → ${knots}, the app has ${others.join(', ')}`,
      );
    }
  }
}
for (const p of [...new Set(problems)]) console.log(`  - ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
