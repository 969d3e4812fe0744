/**
 * DetectionSession in real Chromium: frames grabbed from a playing <video>, one detection at a
 * time, events from the pipeline, and the snapshot a user receives: a JPEG of the frame with the
 * person's box drawn, within the server's size limit.
 */
import { chromium, type Browser } from '@playwright/test';
import { build } from 'vite';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECTION_LIMITS } from '@porchlight/protocol';
import type { PageReport } from './detectionSession.page.ts';

const CHROMIUM = process.env['PORCHLIGHT_CHROMIUM'] ?? '/usr/bin/chromium';

async function bundle(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      lib: {
        entry: path.join(import.meta.dirname, 'detectionSession.page.ts'),
        formats: ['iife'],
        name: 'page',
      },
    },
  });
  const outputs = Array.isArray(out) ? out : [out];
  for (const o of outputs) {
    if ('output' in o) {
      const chunk = o.output.find((c) => c.type === 'chunk');
      if (chunk && chunk.type === 'chunk') return chunk.code;
    }
  }
  throw new Error('no bundle');
}

describe('DetectionSession in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('turns a person crossing a live video into started, a boxed JPEG snapshot, and ended', async () => {
    const code = await bundle();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent('<!doctype html><body></body>');
    await page.addScriptTag({ content: code });
    const report: PageReport = await page.evaluate(() => window.runDetectionSession!());
    expect(errors).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.kinds.filter((k) => k !== 'snapshot')).toEqual(['started', 'ended']);
    expect(report.kinds.indexOf('snapshot')).toBeGreaterThan(report.kinds.indexOf('started'));
    // The detector got the video's own frames.
    expect(new Set(report.frameSizes)).toEqual(new Set(['640x360']));
    expect(report.detectionsPerSecond).toBeGreaterThan(0);
    const snap = report.snapshots[0]!;
    expect(snap.type).toBe('image/jpeg');
    expect(snap.bytes).toEqual([0xff, 0xd8, 0xff]);
    expect(snap.size).toBeLessThanOrEqual(DETECTION_LIMITS.snapshotBytes);
    expect([snap.width, snap.height]).toEqual([640, 360]);
    // The box drawn on it (amber outline, #ffb300) around the person (light grey inside).
    const [r = 0, g = 0, b = 255] = snap.edge;
    expect(r).toBeGreaterThan(200);
    expect(g).toBeGreaterThan(130);
    expect(g).toBeLessThan(220);
    expect(r - b).toBeGreaterThan(100); // JPEG blurs the 2 px line with the grey around it
    expect(Math.min(...snap.inside)).toBeGreaterThan(180);
    await page.close();
  });
});
