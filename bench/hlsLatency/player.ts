/**
 * One hls.js player session in headless Debian Chromium on the server's live playlist, sampling
 * glass to playback as bench/recording/hls.ts does: `Date.now() - hls.playingDate` (wall clock
 * now minus the EXT-X-PROGRAM-DATE-TIME position on screen), plus what hls.js says of LL-HLS
 * (parts in the playlist, its target latency) and how many parts and blocking reloads it fetched.
 */
import path from 'node:path';
import type { Browser } from '@playwright/test';

const HLS_JS = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../node_modules/hls.js/dist/hls.min.js',
);

export interface PlayerSample {
  at: number;
  /** Date.now() - playingDate, ms. */
  glass: number;
  /** hls.js: live edge - currentTime, s. */
  latency: number;
}

export interface PlayerSession {
  firstFrameMs: number;
  playingSince: number;
  samples: PlayerSample[];
  /** hls.js's target latency (PART-HOLD-BACK with LL-HLS), s. */
  targetLatency: number | null;
  /** Parts listed in the last playlist hls.js loaded (0: played as plain HLS). */
  partsListed: number;
  partsFetched: number;
  blockingReloads: number;
  errors: string[];
}

const PAGE = (config: string, live: string): string => `<!doctype html>
<html><body><video id="v" muted autoplay playsinline></video>
<script src="/__bench__/hls.min.js"></script>
<script>
  const v = document.getElementById('v');
  const w = window;
  w.samples = []; w.errors = []; w.firstFrameMs = null;
  if (!Hls.isSupported()) w.errors.push('hls.js not supported');
  const hls = new Hls(${config});
  w.hls = hls;
  hls.on(Hls.Events.ERROR, (e, d) => w.errors.push(d.details + (d.fatal ? ' (fatal)' : '')));
  hls.loadSource(${JSON.stringify(live)});
  hls.attachMedia(v);
  v.requestVideoFrameCallback(() => { w.firstFrameMs = performance.now(); });
  v.play().catch(() => undefined);
  setInterval(() => {
    const d = hls.playingDate;
    if (v.paused || !d) return;
    w.samples.push({ at: Date.now(), glass: Date.now() - d.getTime(), latency: hls.latency });
  }, 250);
</script></body></html>`;

export async function playSession(
  browser: Browser,
  o: { base: string; livePath: string; seconds: number; config: Record<string, unknown> },
): Promise<PlayerSession> {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    await ctx.route(`${o.base}/__bench__/hls.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: PAGE(JSON.stringify(o.config), o.livePath) }),
    );
    await ctx.route(`${o.base}/__bench__/hls.min.js`, (route) =>
      route.fulfill({ contentType: 'text/javascript', path: HLS_JS }),
    );
    const page = await ctx.newPage();
    let partsFetched = 0;
    let blockingReloads = 0;
    page.on('response', (r) => {
      if (/\/part\/\d+\.\d+\.m4s$/.test(r.url())) partsFetched++;
      if (/live\.m3u8\?_HLS_msn=/.test(r.url())) blockingReloads++;
    });
    await page.goto(`${o.base}/__bench__/hls.html`);
    await page.waitForFunction(
      () => (window as unknown as { firstFrameMs: number | null }).firstFrameMs !== null,
      null,
      { timeout: 30_000, polling: 50 },
    );
    const firstFrameMs = await page.evaluate(
      () => (window as unknown as { firstFrameMs: number }).firstFrameMs,
    );
    const playingSince = Date.now();
    await page.waitForTimeout(o.seconds * 1000);
    const r = await page.evaluate(() => {
      const w = window as unknown as {
        samples: PlayerSample[];
        errors: string[];
        hls: {
          targetLatency: number | null;
          latestLevelDetails: { partList: unknown[] | null } | null;
        };
      };
      return {
        samples: w.samples,
        errors: w.errors,
        targetLatency: w.hls.targetLatency,
        partsListed: w.hls.latestLevelDetails?.partList?.length ?? 0,
      };
    });
    return {
      firstFrameMs,
      playingSince,
      ...r,
      partsFetched,
      blockingReloads,
      errors: [...new Set(r.errors)],
    };
  } finally {
    await ctx.close();
  }
}
