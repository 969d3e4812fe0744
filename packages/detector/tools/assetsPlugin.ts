import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import {
  ASSET_PREFIX,
  ASSET_VERSION,
  MODEL_FILES,
  MODEL_SOURCE_VERSION,
  TFJS_VERSION,
  WASM_FILES,
} from '../src/model/assets.ts';

/**
 * Copies the detector's model and tfjs .wasm files from node_modules into a vite build at
 * `detector/<ASSET_VERSION>/` (and serves them there in `vite dev`). @vladmandic/human's
 * `exports` block require.resolve of its model files, so packages are found by directory.
 */
export function detectorAssets(): Plugin {
  const files = assetFiles();
  const base = `/${ASSET_PREFIX}/${ASSET_VERSION}/`;
  return {
    name: 'porchlight-detector-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.startsWith(base) ? req.url.slice(base.length) : null;
        const file = name === null ? undefined : files.get(name);
        if (!file) return next();
        res.setHeader('content-type', mimeOf(file));
        fs.createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const [name, file] of files) {
        this.emitFile({
          type: 'asset',
          fileName: `${ASSET_PREFIX}/${ASSET_VERSION}/${name}`,
          source: fs.readFileSync(file),
        });
      }
    },
  };
}

/** File name in the build -> absolute source path; fails when a pinned version drifted. */
export function assetFiles(): Map<string, string> {
  const wasmDir = packageDir('@tensorflow/tfjs-backend-wasm', TFJS_VERSION);
  const humanDir = packageDir('@vladmandic/human', MODEL_SOURCE_VERSION);
  const out = new Map<string, string>();
  for (const f of WASM_FILES) out.set(f, path.join(wasmDir, 'dist', f));
  for (const f of MODEL_FILES) out.set(f, path.join(humanDir, 'models', f));
  for (const file of out.values()) {
    if (!fs.existsSync(file)) throw new Error(`detector asset missing: ${file} (run npm ci)`);
  }
  return out;
}

export function mimeOf(file: string): string {
  if (file.endsWith('.wasm')) return 'application/wasm';
  if (file.endsWith('.json')) return 'application/json';
  return 'application/octet-stream';
}

function packageDir(name: string, version: string): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    const pkg = path.join(candidate, 'package.json');
    if (fs.existsSync(pkg)) {
      const found = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version;
      if (found !== version) {
        throw new Error(`${name} is ${found}, the detector's asset version expects ${version}`);
      }
      return candidate;
    }
    if (path.dirname(dir) === dir) throw new Error(`${name} not found in node_modules`);
  }
}
