import { beforeAll, describe, expect, it } from 'vitest';
import { bundleSdkEntry, type BundleReport } from '../../../tests/support/sdkBundle.ts';

/**
 * The browser core's budget (packages/sdk/README.md, "Bundle size"): what an app ships up front
 * for `@porchlight/sdk` (every export, mediasoup-client and socket.io-client included), minified
 * and gzipped. Bundling is deterministic, so this is a plain check, not a timing.
 */
export const CORE_GZIP_BUDGET_BYTES = 80 * 1024;
/** The React entry on top of the core and React (its own code). */
export const REACT_GZIP_BUDGET_BYTES = 4 * 1024;

/** Module paths that must never reach a browser bundle. */
const FORBIDDEN = [
  /^node:/,
  /__vite-browser-external/,
  /\/(server|turn|apps)\//,
  /\/packages\/(?!sdk\/|protocol\/|emitter\/)[^/]+\//,
  /\/packages\/sdk\/src\/node(-[a-z]+)?\.ts$/,
  /\/node_modules\/(mediasoup|fastify|@fastify\/[^/]+|socket\.io|ws|better-sqlite3|pg|@roamhq\/wrtc)\//,
];

const forbidden = (r: BundleReport) =>
  r.modules.filter((m) => FORBIDDEN.some((pattern) => pattern.test(m)));

describe('the browser core bundle', () => {
  let core: BundleReport;
  let react: BundleReport;
  beforeAll(async () => {
    core = await bundleSdkEntry('@porchlight/sdk');
    react = await bundleSdkEntry('@porchlight/sdk/react', { external: ['react'] });
  }, 120_000);

  it('holds the SDK, the protocol and the client libraries, and no Node or server code', () => {
    expect(core.modules.some((m) => m.includes('/mediasoup-client/'))).toBe(true);
    expect(core.modules.some((m) => m.includes('/packages/sdk/src/client.ts'))).toBe(true);
    expect(forbidden(core)).toEqual([]);
    expect(core.imports).toEqual([]);
    expect(forbidden(react)).toEqual([]);
    expect(react.imports).toEqual(['react']);
  });

  it(`stays under its budget: ${CORE_GZIP_BUDGET_BYTES / 1024} kB gzip up front`, () => {
    expect(core.initial.gzip).toBeLessThanOrEqual(CORE_GZIP_BUDGET_BYTES);
    // zod and the contract schemas load only in development builds (response checks).
    expect(core.lazy.gzip).toBeGreaterThan(0);
    expect(react.initial.gzip).toBeLessThanOrEqual(REACT_GZIP_BUDGET_BYTES);
  });
});
