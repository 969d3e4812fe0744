import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'turn/src/**/*.test.ts',
      'turn/test/**/*.test.ts',
      'server/src/**/*.test.ts',
      'server/test/**/*.test.ts',
      'tests/web/**/*.test.ts',
      'tests/support/**/*.test.ts',
      'tests/detector/**/*.test.ts',
    ],
    // Integration tests start real mediasoup workers: run files one at a time on 2-core machines.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
