import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Builds the SDK's examples (packages/sdk/examples) the way their READMEs say, so tests can run
 * them against a real server: they cannot rot.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
export const SDK_DIR = path.join(ROOT, 'packages', 'sdk');
const EXAMPLES = path.join(SDK_DIR, 'examples');
const VITE = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

function vite(cwd: string, args: string[]): void {
  // Test runners set NODE_ENV=test, which would make Vite build React's development bundle.
  const { NODE_ENV: _ignored, ...env } = process.env;
  execFileSync(process.execPath, [VITE, 'build', '--logLevel', 'warn', ...args], {
    cwd,
    env,
    stdio: 'pipe',
  });
}

/**
 * A web-app folder for the test server's `appsDir` (served at `/`): the plain-HTML viewer at
 * /viewer/ with the SDK's standalone browser build beside it, and the React example at /react/.
 */
export function buildWebExamples(): string {
  const appsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-sdk-examples-'));
  const site = path.join(appsDir, 'home', 'dist');
  const viewer = path.join(site, 'viewer');
  fs.mkdirSync(viewer, { recursive: true });
  fs.writeFileSync(
    path.join(site, 'index.html'),
    '<!doctype html><title>SDK examples</title><a href="/viewer/">HTML</a> <a href="/react/">React</a>',
  );
  // The standalone browser bundle (npm run build -w packages/sdk writes it to dist/browser).
  vite(SDK_DIR, ['-c', 'vite.browser.config.ts', '--outDir', viewer, '--sourcemap', 'false']);
  for (const file of fs.readdirSync(path.join(EXAMPLES, 'viewer-html')))
    fs.copyFileSync(path.join(EXAMPLES, 'viewer-html', file), path.join(viewer, file));
  vite(path.join(EXAMPLES, 'react-viewer'), [
    '--base',
    '/react/',
    '--outDir',
    path.join(site, 'react'),
    '--emptyOutDir',
  ]);
  return appsDir;
}

/**
 * `npm pack` of the SDK (prepack builds it and writes the published manifest), unpacked into a
 * fresh project's node_modules the way `npm install <tarball>` would put it; its dependencies
 * are linked from the workspace (no registry). Returns the project folder and the tarball's
 * file list.
 */
export function installPackedSdk(): { project: string; files: string[] } {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-sdk-consumer-'));
  let out: string;
  try {
    out = execFileSync(
      'npm',
      ['pack', '--json', '--pack-destination', project, '-w', 'packages/sdk'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ).toString();
  } finally {
    // postpack does this; a pack that failed half-way must not leave the published manifest.
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/manifest.ts', 'restore'], {
      cwd: SDK_DIR,
    });
  }
  // prepack's own output (the build) comes first on stdout; the JSON report is the rest.
  const report = out.slice(Math.max(0, out.search(/^\[/m)));
  const [packed] = JSON.parse(report) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error('npm pack printed nothing');
  const target = path.join(project, 'node_modules', '@porchlight', 'sdk');
  fs.mkdirSync(target, { recursive: true });
  execFileSync('tar', [
    '-xzf',
    path.join(project, packed.filename),
    '-C',
    target,
    '--strip-components=1',
  ]);
  const manifest = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const deps = [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ];
  for (const name of deps) {
    const link = path.join(project, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), link, 'dir');
  }
  fs.writeFileSync(path.join(project, 'package.json'), '{ "type": "module", "private": true }\n');
  return { project, files: packed.files.map((f) => f.path) };
}
