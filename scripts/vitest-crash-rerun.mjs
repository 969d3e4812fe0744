// After a failed vitest run: when the only failures are files whose worker process died (their
// remaining tests never ran: "Worker exited unexpectedly", a native crash or an OOM), runs those
// files once more and merges the result into the report, naming the crash in it and on stdout.
// Any assertion failure elsewhere, or a second crash, fails as before. Exit code: the verdict.
//   node scripts/vitest-crash-rerun.mjs test-results/vitest.json
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const reportPath = process.argv[2];
const read = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};
const report = read(reportPath);
if (!report) {
  console.log(`no vitest report at ${reportPath}: nothing to re-run`);
  process.exit(1);
}

// A file whose worker died lists the tests it never reached as pending (none is skipped here:
// a skipped test is a defect); the test in flight may show as failed.
const crashed = report.testResults.filter((r) =>
  r.assertionResults.some((a) => a.status === 'pending'),
);
const failedElsewhere = report.testResults.filter(
  (r) =>
    !crashed.includes(r) &&
    (r.status === 'failed' || r.assertionResults.some((a) => a.status === 'failed')),
);
if (crashed.length === 0 || failedElsewhere.length > 0) process.exit(1);

const files = crashed.map((r) => path.relative(process.cwd(), r.name));
for (const r of crashed) {
  const stopped = r.assertionResults.find((a) => a.status !== 'passed');
  console.log(
    `\nWORKER CRASH: ${path.relative(process.cwd(), r.name)} (first test without a result: "${stopped?.fullName}"); re-running the file once`,
  );
}
const rerunPath = reportPath.replace(/\.json$/, '') + '-rerun.json';
const rerun = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    ...files,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${rerunPath}`,
  ],
  { stdio: 'inherit' },
);
const again = read(rerunPath);
if (!again) process.exit(1);

const byName = new Map(again.testResults.map((r) => [r.name, r]));
report.testResults = report.testResults.map((r) => byName.get(r.name) ?? r);
const all = report.testResults.flatMap((r) => r.assertionResults);
report.numPassedTests = all.filter((a) => a.status === 'passed').length;
report.numFailedTests = all.filter((a) => a.status === 'failed').length;
report.numPendingTests = all.filter((a) => a.status === 'pending').length;
report.workerCrashes = files;
report.success = rerun.status === 0 && report.numFailedTests === 0 && report.numPendingTests === 0;
fs.writeFileSync(reportPath, JSON.stringify(report));
process.exit(report.success ? 0 : 1);
