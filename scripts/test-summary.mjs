// Sums vitest and Playwright JSON reports into one closing line: "Tests: N passed, N failed",
// preceded by the failed files and tests with their first error line, so the tail of a CI log
// says what failed even when the log itself is cut.
import fs from 'node:fs';
import path from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
const failures = [];
const firstLine = (text) =>
  String(text ?? '')
    // eslint-disable-next-line no-control-regex -- strip ANSI colours
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim()
    .slice(0, 300) ?? '';
const rel = (file) => path.relative(process.cwd(), file);

function playwrightSpecs(suite) {
  return [...(suite.specs ?? []), ...(suite.suites ?? []).flatMap(playwrightSpecs)];
}

for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    console.error(`no report at ${file} (that suite did not run)`);
    missing++;
    continue;
  }
  if ('numPassedTests' in report) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    for (const result of report.testResults ?? []) {
      const bad = (result.assertionResults ?? []).filter((a) => a.status === 'failed');
      for (const a of bad)
        failures.push(`${rel(result.name)} › ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
      // A file can fail with no failed test: an error outside tests, or its worker died.
      if (result.status === 'failed' && bad.length === 0)
        failures.push(`${rel(result.name)}: ${firstLine(result.message)}`);
      // Tests that never ran: the file's worker died before them (nothing here is skipped).
      const notRun = (result.assertionResults ?? []).filter((a) => a.status === 'pending');
      if (notRun.length > 0)
        failures.push(
          `${rel(result.name)}: ${notRun.length} test(s) never ran, from "${notRun[0].fullName}" (its worker died?)`,
        );
    }
    for (const file of report.workerCrashes ?? [])
      console.log(
        `\nWORKER CRASH in ${file}: the file was run again, its second result is counted (see the log above)`,
      );
  } else if (report.stats) {
    passed += report.stats.expected + report.stats.flaky;
    failed += report.stats.unexpected;
    skipped += report.stats.skipped;
    for (const spec of (report.suites ?? []).flatMap(playwrightSpecs)) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected') continue;
        const last = test.results?.at(-1);
        failures.push(
          `${spec.file}:${spec.line} › ${spec.title}: ${firstLine(last?.errors?.[0]?.message ?? last?.status)}`,
        );
      }
    }
    for (const error of report.errors ?? [])
      failures.push(`playwright: ${firstLine(error.message)}`);
  }
}
if (failures.length > 0) {
  console.log(`\nFailed (${failures.length}):`);
  for (const f of failures) console.log(`  ✗ ${f}`);
}
console.log(`\nTests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || missing > 0 || passed === 0 || failures.length > 0 ? 1 : 0);
