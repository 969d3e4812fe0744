/**
 * SDK bundle sizes: what an app ships for `@porchlight/sdk` (the browser core, every export,
 * mediasoup-client and socket.io-client included) and for `@porchlight/sdk/react` (React
 * external, a peer), bundled and minified by Vite as an app build does, raw and gzip (level 9).
 * "Up front" is the entry and its static imports; "on demand" the dynamic chunks (zod and the
 * contract schemas, loaded only by development builds to check answers). Also the standalone
 * build for pages without a bundler (dist/browser/porchlight.js, from `npm run build -w
 * packages/sdk`) when it exists.
 *
 * The budget is a test (server/test/sdk/bundleSize.test.ts); this records the numbers.
 * Run alone: `node --import tsx bench/sdkSize.ts` (~10 s).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleSdkEntry } from '../tests/support/sdkBundle.ts';
import { mdTable, recordResult } from './lib/results.ts';

const started = Date.now();
const kB = (n: number): string => `${(n / 1024).toFixed(1)} kB`;

const core = await bundleSdkEntry('@porchlight/sdk');
const react = await bundleSdkEntry('@porchlight/sdk/react', { external: ['react'] });
const rest = await bundleSdkEntry('@porchlight/sdk/rest');
const rows: (string | number)[][] = [];
for (const r of [core, rest, react])
  rows.push([
    `\`${r.entry}\``,
    kB(r.initial.raw),
    kB(r.initial.gzip),
    kB(r.lazy.raw),
    kB(r.lazy.gzip),
    r.modules.length,
  ]);

const standalonePath = path.resolve(
  import.meta.dirname,
  '../packages/sdk/dist/browser/porchlight.js',
);
let standalone: { raw: number; gzip: number } | null = null;
if (fs.existsSync(standalonePath)) {
  const code = fs.readFileSync(standalonePath);
  standalone = { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
  rows.push([
    'standalone `dist/browser/porchlight.js`',
    kB(standalone.raw),
    kB(standalone.gzip),
    '',
    '',
    '',
  ]);
}

const md = [
  mdTable(
    ['entry', 'up front raw', 'up front gzip', 'on demand raw', 'on demand gzip', 'modules'],
    rows,
  ),
  '',
  'Minified by Vite (Rolldown) as an app build; gzip level 9. React is external to the React entry.',
].join('\n');
const data = {
  core: { initial: core.initial, lazy: core.lazy, modules: core.modules.length },
  rest: { initial: rest.initial, lazy: rest.lazy, modules: rest.modules.length },
  react: { initial: react.initial, lazy: react.lazy, modules: react.modules.length },
  standalone,
};
const out = recordResult('sdkSize', data, md, { durationSeconds: (Date.now() - started) / 1000 });
process.stdout.write(`\n${md}\n\nwritten: ${out.json}\n`);
