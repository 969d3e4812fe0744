import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|mts|js|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

/** Production code allowed to read the environment: the config loader (tests spawn helpers). */
const ALLOWED = new Set([
  'server/src/config/loadConfig.ts',
  // Test-only S3 server child (started by tests, not by the platform).
  'server/src/recording/storage/s3rverProcess.mjs',
  // Test-run log capture (scripts/test.sh scans every line for secrets): process-wide, before any config.
  'packages/runtime/src/logging/capture.ts',
]);

describe('configuration sources', () => {
  it('nothing in server/src, turn/src or packages/runtime reads process.env but loadConfig', () => {
    const offenders = ['server/src', 'turn/src', 'packages/runtime/src']
      .flatMap((d) => sources(path.join(repo, d)))
      .map((f) => path.relative(repo, f))
      .filter((f) => !ALLOWED.has(f))
      .filter((f) => /process\.env\b/.test(fs.readFileSync(path.join(repo, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
