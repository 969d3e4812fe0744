import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import type { DetectorInfo } from '@porchlight/protocol';
import type { FrameResult } from '../src/FrameResult.ts';
import { mimeOf } from './assetsPlugin.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';

const PKG = path.resolve(import.meta.dirname, '..');
const ROOT = path.resolve(PKG, '../..');
const OUT = path.join(PKG, 'dist', 'harness');
/** The production CSP's script rule: the worker and wasm must run under it. */
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' blob: data:";

export interface HeadlessOptions {
  /** Motion gating as in the apps (default off: every frame runs the model on the whole frame). */
  motion?: boolean;
  backend?: 'auto' | 'wasm';
  floor?: number;
}

export type HeadlessResult = FrameResult & { width: number; height: number };

/**
 * The detector's real worker code in headless Debian Chromium, for the CLI, tests and benches:
 * builds the harness page (cached by a hash of the sources), serves it and the input frames on
 * loopback, and calls FrameDetector in the page.
 */
export class HeadlessDetector {
  readonly info: DetectorInfo;
  readonly simd: boolean;
  readonly #browser: Browser;
  readonly #page: Page;
  readonly #server: http.Server;
  readonly #inputs: Map<number, string>;
  #next = 0;
  #closed = false;

  private constructor(parts: {
    browser: Browser;
    page: Page;
    server: http.Server;
    inputs: Map<number, string>;
    info: DetectorInfo;
    simd: boolean;
  }) {
    this.#browser = parts.browser;
    this.#page = parts.page;
    this.#server = parts.server;
    this.#inputs = parts.inputs;
    this.info = parts.info;
    this.simd = parts.simd;
  }

  static async start(options: HeadlessOptions = {}): Promise<HeadlessDetector> {
    buildHarness();
    const inputs = new Map<number, string>();
    const server = http.createServer((req, res) => serve(req, res, inputs));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    let browser: Browser | null = null;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => window.porchlightDetector !== undefined);
      const started = await page
        .evaluate((o) => window.porchlightDetector!.start(o), {
          motion: options.motion ?? false,
          backend: options.backend ?? 'wasm',
          floor: options.floor ?? 0.2,
        })
        .catch((e: unknown) => {
          throw new Error(
            `${e instanceof Error ? e.message : String(e)}${errors.length ? ` (${errors.join('; ')})` : ''}`,
          );
        });
      return new HeadlessDetector({ browser, page, server, inputs, ...started });
    } catch (e) {
      await browser?.close();
      server.close();
      throw e;
    }
  }

  /** Detects persons in an image file (any format Chromium decodes). `t` is the frame time. */
  async detectFile(file: string, t: number): Promise<HeadlessResult> {
    const n = this.#next++;
    this.#inputs.set(n, file);
    try {
      return await this.#page.evaluate(
        ([url, time]) => window.porchlightDetector!.detect(url, time),
        [`/input/${n}`, t] as const,
      );
    } finally {
      this.#inputs.delete(n);
    }
  }

  /** The page's running average of ms per model run. */
  async currentInfo(): Promise<DetectorInfo> {
    return this.#page.evaluate(() => window.porchlightDetector!.info());
  }

  /** For benches: runs a function in the harness page. */
  get page(): Page {
    return this.#page;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#browser.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function serve(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  inputs: Map<number, string>,
): void {
  const url = new URL(req.url ?? '/', 'http://x');
  res.setHeader('content-security-policy', CSP);
  const input = /^\/input\/(\d+)$/.exec(url.pathname);
  let file: string | undefined;
  if (input) file = inputs.get(Number(input[1]));
  else {
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const abs = path.resolve(OUT, rel);
    if (abs.startsWith(OUT + path.sep) && fs.existsSync(abs) && fs.statSync(abs).isFile())
      file = abs;
  }
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  const type = file.endsWith('.js')
    ? 'text/javascript'
    : file.endsWith('.html')
      ? 'text/html'
      : input
        ? 'application/octet-stream'
        : mimeOf(file);
  res.writeHead(200, { 'content-type': type });
  fs.createReadStream(file).pipe(res);
}

/** `vite build` of the harness, skipped when the sources are unchanged since the last build. */
export function buildHarness(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|html)$/.test(e.name) && !e.name.endsWith('.test.ts'))
        hash.update(p).update(fs.readFileSync(p));
    }
  };
  for (const d of ['src', 'tools']) walk(path.join(PKG, d));
  walk(path.join(ROOT, 'packages', 'protocol', 'src'));
  const digest = hash.digest('hex');
  const stamp = path.join(OUT, '.sources');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) return OUT;
  // Test runners set NODE_ENV=test, which would make Vite build a development bundle.
  const { NODE_ENV: _ignored, ...env } = process.env;
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(PKG, 'tools', 'harness', 'vite.config.ts'),
      '--outDir',
      OUT,
    ],
    { cwd: path.join(PKG, 'tools', 'harness'), env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  fs.writeFileSync(stamp, digest);
  return OUT;
}
