// Reading Playwright's JSON report, shared by scripts/e2e-failures.mjs and
// scripts/first-failures.mjs.

/** The text without terminal colours (Playwright's messages carry them). */
export const plain = text => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Every spec of the report, however deep its describe blocks nest. */
export function* specsOf(report) {
  const walk = function* (suite) {
    for (const spec of suite.specs ?? []) yield spec;
    for (const child of suite.suites ?? []) yield* walk(child);
  };
  for (const suite of report.suites ?? []) yield* walk(suite);
}
