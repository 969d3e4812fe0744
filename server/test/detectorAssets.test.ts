import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../tests/support/testServer.ts';
import { buildWebApp } from '../../tests/web/build.ts';
import {
  DEFAULT_ASSET_BASE,
  MODEL_FILES,
  WASM_FILES,
} from '../../packages/detector/src/model/assets.ts';

/**
 * The person detector's model and tfjs .wasm files as a browser gets them from our server: in
 * the home app's build (copied from node_modules, never a CDN), with the MIME type
 * `WebAssembly.instantiateStreaming` requires, a long cache (the path is versioned) and a CSP that
 * lets wasm compile.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

function get(url: string): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      })
      .on('error', reject);
  });
}

describe('detector assets served by the server', () => {
  let ts: TestServer;
  let appsDir: string;

  beforeAll(async () => {
    appsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-detector-assets-'));
    buildWebApp('home', 'production', {
      outDir: path.join(appsDir, 'home', 'dist'),
      sourcemap: false,
    });
    ts = await startTestServer({}, { appsDir });
  }, 180_000);
  afterAll(async () => {
    await ts?.close();
    if (appsDir) fs.rmSync(appsDir, { recursive: true, force: true });
  });

  it('serves the .wasm files as application/wasm, byte for byte, cached for a year, under a CSP allowing wasm', async () => {
    for (const name of WASM_FILES) {
      const res = await get(`${ts.url}${DEFAULT_ASSET_BASE}${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers['content-type']).toBe('application/wasm');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-security-policy']).toContain(
        "script-src 'self' 'wasm-unsafe-eval'",
      );
      const original = fs.readFileSync(
        path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist', name),
      );
      expect(res.body.equals(original)).toBe(true);
    }
  });

  it('serves the CenterNet model files from our origin with the same long cache', async () => {
    for (const name of MODEL_FILES) {
      const res = await get(`${ts.url}${DEFAULT_ASSET_BASE}${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.body.length).toBe(
        fs.statSync(path.join(ROOT, 'node_modules/@vladmandic/human/models', name)).size,
      );
    }
    const json = await get(`${ts.url}${DEFAULT_ASSET_BASE}centernet.json`);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    // The weights the model file points at are next to it (relative path, same origin).
    const manifest = JSON.parse(json.body.toString()) as { weightsManifest: { paths: string[] }[] };
    expect(manifest.weightsManifest.flatMap((m) => m.paths)).toEqual(['centernet.bin']);
  });

  it('keeps the app shell revalidated and answers 404 for a file that is not there', async () => {
    expect((await get(`${ts.url}/`)).headers['cache-control']).toBe('no-cache');
    expect((await get(`${ts.url}${DEFAULT_ASSET_BASE}missing.wasm`)).status).toBe(404);
  });
});
