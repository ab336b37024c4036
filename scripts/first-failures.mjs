// Prints, just above scripts/test's summary, a few lines per failed suite:
// which files failed, and the first failure's message. A CI log keeps only
// the head and the tail of the output, so this is what it shows of a red run.
//   node scripts/first-failures.mjs unit=<jest.json> cluster=<tap> \
//     install=<tap> e2e=<json>
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { plain, specsOf } from './playwright-report.mjs';

const MESSAGE_LINES = 3;

/** The first lines of an error that say something (no blank, no stack). */
const gist = text =>
  plain(text)
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('at '))
    .slice(0, MESSAGE_LINES);

/** Jest's JSON report: { files, first: { title, lines } } or undefined. */
function fromJest(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const files = [];
  let first;
  for (const suite of report.testResults ?? []) {
    const failed = (suite.assertionResults ?? []).filter(
      a => a.status === 'failed',
    );
    // A file that did not run at all (syntax error, failing import).
    if (!failed.length && suite.status !== 'failed') continue;
    const name = relative(process.cwd(), suite.name);
    files.push(`${name} (${failed.length || 'did not run'})`);
    if (first) continue;
    first = failed.length
      ? {
          title: `${name} › ${failed[0].fullName}`,
          lines: gist(failed[0].failureMessages?.[0] ?? ''),
        }
      : { title: name, lines: gist(suite.message ?? '') };
  }
  return files.length ? { files, first } : undefined;
}

/** node --test's TAP: top-level `not ok` lines and their `error:` text. */
function fromTap(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const titles = [];
  let first;
  lines.forEach((line, i) => {
    const m = /^not ok \d+ - (.*)$/.exec(line);
    if (!m) return;
    titles.push(m[1]);
    if (first) return;
    const next = lines.slice(i + 1).findIndex(l => /^(not )?ok /.test(l));
    const own = lines.slice(i + 1, next < 0 ? undefined : i + 1 + next);
    const at = own.findIndex(l => /^\s+error:/.test(l)) + i + 1;
    if (at === i) {
      first = { title: m[1], lines: [] };
      return;
    }
    // The error's YAML value: its own line, then the lines indented deeper
    // than its key (the next key at the same depth ends it).
    const depth = /^\s*/.exec(lines[at])[0].length;
    const body = [lines[at].replace(/^\s+error:\s*(\|-?)?/, '')];
    for (const l of lines.slice(at + 1)) {
      if (l.trim() && /^\s*/.exec(l)[0].length <= depth) break;
      body.push(l);
    }
    first = { title: m[1], lines: gist(body.join('\n')) };
  });
  return titles.length ? { files: titles, first } : undefined;
}

/** Playwright's JSON report (unexpected results only; flaky ones passed). */
function fromPlaywright(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const files = [];
  let first;
  for (const spec of specsOf(report)) {
    const test = (spec.tests ?? []).find(t => t.status === 'unexpected');
    if (!test) continue;
    files.push(`${spec.file}:${spec.line}`);
    if (first) continue;
    const error = test.results?.find(r => r.errors?.length)?.errors[0];
    first = {
      title: `${spec.file} › ${spec.title}`,
      lines: gist(error?.message ?? error?.stack ?? ''),
    };
  }
  return files.length ? { files, first } : undefined;
}

const readers = {
  unit: fromJest,
  cluster: fromTap,
  install: fromTap,
  e2e: fromPlaywright,
};
let printed = false;
for (const arg of process.argv.slice(2)) {
  const [suite, file] = arg.split('=');
  if (!readers[suite] || !file || !existsSync(file)) continue;
  let found;
  try {
    found = readers[suite](file);
  } catch (error) {
    console.log(`${suite}: could not read ${file}: ${error.message}`);
    continue;
  }
  if (!found) continue;
  if (!printed) console.log('\nfirst failures (the details are above):');
  printed = true;
  const shown = found.files.slice(0, 6).join(', ');
  const more =
    found.files.length > 6 ? ` and ${found.files.length - 6} more` : '';
  console.log(`  ${suite}: ${shown}${more}`);
  if (found.first) {
    console.log(`    ${found.first.title}`);
    for (const line of found.first.lines)
      console.log(`      ${line.slice(0, 200)}`);
  }
}
