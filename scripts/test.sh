#!/usr/bin/env bash
# Every test: static checks, unit + integration (vitest, real mediasoup), end-to-end (Playwright,
# Debian's Chromium with fake devices). Prints one "N passed, N failed" line at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
# Every log line of vitest and Playwright (and their child servers) is captured and scanned for secrets.
rm -rf test-results/logs
export PORCHLIGHT_LOG_CAPTURE_DIR="$PWD/test-results/logs"
status=0
step() {
  printf '\n=== %s ===\n' "$1"
  shift
  "$@" || { echo "FAILED: $*"; status=1; }
}

step 'lint' npx eslint .
step 'format' npx prettier --check .
step 'typecheck' npm run -s typecheck
step 'dependency direction' npm run -s depcheck
step 'build web app' npm run -s build
vitest_all() {
  npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json && return 0
  # A file whose worker process died (native crash, OOM) runs once more, named in the summary;
  # any other failure stands.
  node scripts/vitest-crash-rerun.mjs test-results/vitest.json
}
step 'unit + integration' vitest_all
step 'end-to-end' npx playwright test
step 'secrets in logs' node scripts/scan-log-secrets.mjs test-results/logs
node scripts/test-summary.mjs test-results/vitest.json test-results/playwright.json || status=1
exit $status
