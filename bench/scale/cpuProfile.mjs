// Summarises a V8 CPU profile of the backend (run.sh with
// KNOT_SCALE_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR"): the last S seconds
// (the API mix), by package inclusive (a sample counts for every package on
// its stack) and by function exclusive.
//   node bench/scale/cpuProfile.mjs DIR/CPU.*.cpuprofile [S]
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const seconds = Number(process.argv[3] ?? 60);
const nodes = new Map(profile.nodes.map(n => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes)
  for (const c of n.children ?? []) parentOf.set(c, n.id);

function packageOf(url) {
  const dep = url?.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (dep) return dep[1];
  const ours = url?.match(/(plugins|packages)\/[^/]+/);
  return ours ? ours[0] : undefined;
}

const from = profile.endTime - seconds * 1e6;
const inclusive = new Map();
const exclusive = new Map();
let total = 0;
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i];
  const dt = profile.timeDeltas[i + 1] ?? 0;
  if (at < from) return;
  total += dt;
  const leaf = nodes.get(id).callFrame;
  const fn = `${leaf.functionName || '(anonymous)'} ${
    packageOf(leaf.url) ?? leaf.url.replace(/^.*\//, '')
  }:${leaf.lineNumber}`;
  exclusive.set(fn, (exclusive.get(fn) ?? 0) + dt);
  const seen = new Set();
  for (let n = nodes.get(id); n; n = nodes.get(parentOf.get(n.id))) {
    const p = packageOf(n.callFrame.url);
    if (p) seen.add(p);
  }
  for (const p of seen) inclusive.set(p, (inclusive.get(p) ?? 0) + dt);
});

const line = ([name, us]) =>
  `${(us / 1000).toFixed(0).padStart(8)} ms ${((us / total) * 100)
    .toFixed(0)
    .padStart(3)} %  ${name}`;
const top = (m, n) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(line)
    .join('\n');
console.log(`last ${(total / 1e6).toFixed(1)} s of the profile`);
console.log(`by package, inclusive:\n${top(inclusive, 25)}`);
console.log(`by function, exclusive:\n${top(exclusive, 20)}`);
