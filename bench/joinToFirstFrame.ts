/**
 * Viewer join to first frame, headless Chromium on loopback: p50/p95 over 20 joins.
 *
 * Metric: navigation start -> first remote video frame presented (requestVideoFrameCallback), i.e.
 * what a person sees: page load, socket.io connect + join, transports, ICE + DTLS, consume, first
 * keyframe. Baseline in the same run, alternating with it: navigation start -> first frame of the
 * camera page's *local* preview (page load + getUserMedia, no network path). The ratio isolates
 * what signaling + SFU add on top of just showing a camera.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';
import { ensureFixtures } from '../tests/support/fixtures.ts';
import { startTestServer, type TestServer } from '../tests/support/testServer.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { fmt, ratio, summarize } from './lib/stats.ts';

const JOINS = Number(process.env['BENCH_JOINS'] ?? 20);
const WARMUP = 2;

/** Resolves, inside the page, with ms from navigation start to the first frame of `selector`. */
const FIRST_FRAME_PROBE = (selector: string): void => {
  const w = window as unknown as { firstFrameMs?: number };
  // Elements can be replaced or re-sourced while the app starts: hook every one we see.
  const hooked = new WeakSet<HTMLVideoElement>();
  const timer = setInterval(() => {
    if (w.firstFrameMs !== undefined) return clearInterval(timer);
    const v = document.querySelector<HTMLVideoElement>(selector);
    if (!v) return;
    if (v.getVideoPlaybackQuality().totalVideoFrames > 0) w.firstFrameMs ??= performance.now();
    if (hooked.has(v)) return;
    hooked.add(v);
    v.requestVideoFrameCallback(() => (w.firstFrameMs ??= performance.now()));
  }, 5);
};

async function firstFrame(browser: Browser, url: string, selector: string): Promise<number> {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    await ctx.addInitScript(FIRST_FRAME_PROBE, selector);
    const page: Page = await ctx.newPage();
    await page.goto(url);
    await page.waitForFunction(
      () => (window as unknown as { firstFrameMs?: number }).firstFrameMs !== undefined,
      null,
      {
        timeout: 30_000,
        polling: 20,
      },
    );
    return await page.evaluate(() => (window as unknown as { firstFrameMs: number }).firstFrameMs);
  } finally {
    await ctx.close();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  ensureFixtures();
  const ts: TestServer = await startTestServer();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: chromiumArgs,
  });
  try {
    const camCtx = await browser.newContext({ ignoreHTTPSErrors: true });
    const cam = await camCtx.newPage();
    await cam.goto(`${ts.url}/#token=${await ts.mint('camera', { label: 'Bench cam' })}`);
    await cam
      .getByTestId('camera-status')
      .filter({ hasText: 'publishing' })
      .waitFor({ timeout: 30_000 });

    const viewer: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < JOINS + WARMUP; i++) {
      const v = await firstFrame(
        browser,
        `${ts.url}/#token=${await ts.mint('viewer')}`,
        '[data-testid="live-video"]',
      );
      // Baseline cameras live in another site so the viewer's grid stays one tile.
      const token = await ts.mint('camera', { siteId: `baseline-${i}` });
      const b = await firstFrame(
        browser,
        `${ts.url}/#token=${token}`,
        '[data-testid="local-preview"]',
      );
      if (i >= WARMUP) {
        viewer.push(v);
        baseline.push(b);
      }
      process.stdout.write(
        `join ${i + 1}/${JOINS + WARMUP}: viewer ${v.toFixed(0)} ms, local preview ${b.toFixed(0)} ms\n`,
      );
    }
    await camCtx.close();

    const vs = summarize(viewer);
    const bs = summarize(baseline);
    const data = {
      joins: JOINS,
      viewerFirstFrameMs: vs,
      baselineLocalPreviewMs: bs,
      ratioP50: ratio(vs.p50, bs.p50),
      ratioP95: ratio(vs.p95, bs.p95),
      addedByNetworkPathP50Ms: vs.p50 - bs.p50,
    };
    const md = [
      `Navigation start -> first frame presented, headless Chromium, loopback, ${JOINS} joins (after ${WARMUP} warm-up).`,
      '',
      mdTable(
        ['measure', 'p50 ms', 'p95 ms', 'mean ms', 'max ms'],
        [
          [
            'viewer: first remote frame via SFU',
            fmt(vs.p50, 0),
            fmt(vs.p95, 0),
            fmt(vs.mean, 0),
            fmt(vs.max, 0),
          ],
          [
            'baseline: first local preview frame',
            fmt(bs.p50, 0),
            fmt(bs.p95, 0),
            fmt(bs.mean, 0),
            fmt(bs.max, 0),
          ],
          ['ratio viewer / baseline', fmt(data.ratioP50, 2), fmt(data.ratioP95, 2), '', ''],
        ],
      ),
      '',
      `Signaling + ICE/DTLS + SFU + first keyframe add ~${fmt(data.addedByNetworkPathP50Ms, 0)} ms at p50 over just showing a camera.`,
    ].join('\n');
    const out = recordResult('joinToFirstFrame', data, md, {
      durationSeconds: (Date.now() - started) / 1000,
    });
    process.stdout.write(`\n${md}\n\nwritten: ${out.json}\n`);
  } finally {
    await browser.close();
    await ts.close();
  }
}

await main();
