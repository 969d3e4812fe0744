import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VITE = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

export type WebApp = 'home' | 'admin';

/**
 * `vite build` of one app. Mode 'test' is the build the end-to-end tests serve: it exposes the
 * test hooks (`window.porchlight`); 'production' is what `npm start` serves. `outDir` defaults
 * to the app's dist/, which the server serves.
 */
export function buildWebApp(
  app: WebApp,
  mode: 'production' | 'test',
  options: { outDir?: string; sourcemap?: boolean } = {},
): void {
  // Test runners set NODE_ENV=test, which would make Vite build React's development bundle.
  const { NODE_ENV: _ignored, ...env } = process.env;
  const args = [VITE, 'build', '--mode', mode, '--logLevel', 'warn'];
  if (options.outDir) args.push('--outDir', options.outDir, '--emptyOutDir');
  if (options.sourcemap === false) args.push('--sourcemap', 'false');
  execFileSync(process.execPath, args, { cwd: path.join(ROOT, 'apps', app), env, stdio: 'pipe' });
}

/** The text of every script a build emitted. */
export function builtScripts(outDir: string): string[] {
  const assets = path.join(outDir, 'assets');
  return fs
    .readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .map((name) => fs.readFileSync(path.join(assets, name), 'utf8'));
}

/** A reference to the test-hook global, however a minifier spells it. */
export const TEST_HOOK_GLOBAL = /\.porchlight\b|\[\s*["'`]porchlight["'`]\s*\]/;
