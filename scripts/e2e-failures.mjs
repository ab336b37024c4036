// Prints why each failed e2e test failed, from Playwright's JSON report:
// `scripts/test` shows only the tail of the list reporter, where the
// screenshots' paths push the error messages out of a CI log. A flaky test
// (failed, then passed on CI's one retry) is printed the same way, marked
// as such, so a pass on retry is never silent.
//   node scripts/e2e-failures.mjs <report.json>
import { readFileSync } from 'node:fs';
import { plain, specsOf } from './playwright-report.mjs';

const MAX_LINES = 30;
const MAX_STATE_LINES = 60;

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const spec of specsOf(report)) {
  for (const test of spec.tests ?? []) {
    if (test.status !== 'unexpected' && test.status !== 'flaky') continue;
    const mark =
      test.status === 'flaky'
        ? `⚠ flaky: failed, then passed on retry ${test.results.length - 1}`
        : '✘';
    console.log(`\n${mark} ${spec.file}:${spec.line} › ${spec.title}`);
    const failedRuns = (test.results ?? []).filter(
      r => r.status !== 'passed' && r.status !== 'skipped',
    );
    if (failedRuns.length > 1) {
      console.log(
        `    (failed on each of its ${failedRuns.length} runs; the first:)`,
      );
    }
    // The first failure: a retry that fails usually fails the same way.
    for (const result of failedRuns.slice(0, 1)) {
      for (const error of result.errors ?? []) {
        const text = plain(error.message ?? error.stack ?? '');
        const lines = text.split('\n');
        console.log(
          lines
            .slice(0, MAX_LINES)
            .map(l => `    ${l}`)
            .join('\n'),
        );
        if (error.location) {
          console.log(`    at ${error.location.file}:${error.location.line}`);
        }
      }
      // The cluster's account (e2e/fixtures/clusterState.ts), shortened.
      for (const a of result.attachments ?? []) {
        if (a.name !== 'cluster-state' || !a.body) continue;
        const state = Buffer.from(a.body, 'base64').toString('utf8');
        const lines = state.split('\n');
        console.log('    cluster state:');
        console.log(
          lines
            .slice(0, MAX_STATE_LINES)
            .map(l => `      ${l}`)
            .join('\n'),
        );
      }
    }
  }
}
