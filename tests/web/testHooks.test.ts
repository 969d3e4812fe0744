import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWebApp, builtScripts, TEST_HOOK_GLOBAL } from './build.ts';

/**
 * `window.porchlight` (the live client, the recording player's hls.js) is for end-to-end tests
 * only: a production bundle must not hand page scripts the client and its tokens.
 */
describe('test hooks in the home app bundle', () => {
  const dirs: string[] = [];
  const build = (mode: 'production' | 'test'): string[] => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), `porchlight-home-${mode}-`));
    dirs.push(outDir);
    buildWebApp('home', mode, { outDir, sourcemap: false });
    return builtScripts(outDir);
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are absent from the production build (what npm start serves)', () => {
    const scripts = build('production');
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).not.toMatch(TEST_HOOK_GLOBAL);
  });

  it('are in the test build the end-to-end tests serve', () => {
    expect(build('test').some((script) => TEST_HOOK_GLOBAL.test(script))).toBe(true);
  });
});
