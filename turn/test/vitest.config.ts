import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Runs only the turn package's tests, with the root config's settings, until the root
 * vitest.config.ts includes `turn/**\/*.test.ts`:
 *   npx vitest run --config turn/test/vitest.config.ts
 */
export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    include: ['turn/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
