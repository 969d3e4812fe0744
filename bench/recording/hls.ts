/**
 * Live HLS latency, "glass to playback": headless Debian Chromium plays the server's live
 * playlist with hls.js (the app's live settings) and samples `Date.now() - hls.playingDate`,
 * i.e. wall clock now minus the EXT-X-PROGRAM-DATE-TIME position being shown. The recorder
 * anchors PROGRAM-DATE-TIME to the server's clock when its consumers start, so "glass" is the
 * moment the camera's RTP reached the server (camera capture/encode latency is not included).
 * The page is served by Playwright on the server's origin (no CORS, no CSP in the way); the
 * playlist, init and media segments come from the real MediaServer.
 */
import path from 'node:path';
import { chromium } from '@playwright/test';
import { LIVE_CONFIG } from '../../apps/home/src/recording/hlsConfig.ts';
import { chromiumArgs } from '../../playwright.config.ts';

/** The app's own live settings. */
export const APP_LIVE_CONFIG: Record<string, unknown> = { ...LIVE_CONFIG };

const HLS_JS = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../node_modules/hls.js/dist/hls.min.js',
);

export interface Sample {
  at: number;
  /** Date.now() - playingDate, ms. */
  glass: number;
  /** hls.js's own estimate: live edge - currentTime, s. */
  edge: number;
  rate: number;
  frames: number;
}

export interface HlsResult {
  config: Record<string, unknown>;
  /** ms from page start to the first decoded frame. */
  firstFrameMs: number;
  /** Date.now() when the first frame had been shown (sampling starts). */
  playingSince: number;
  /** Every 250 ms while playing: Date.now() - playingDate, hls.js latency to the edge, … */
  samples: Sample[];
  targetDurationS: number;
  errors: string[];
  frames: number;
}

const PAGE = (config: string, live: string): string => `<!doctype html>
<html><body><video id="v" muted autoplay playsinline></video>
<script src="/__bench__/hls.min.js"></script>
<script>
  const v = document.getElementById('v');
  const w = window;
  w.samples = []; w.errors = []; w.firstFrameMs = null; w.targetDuration = null;
  if (!Hls.isSupported()) w.errors.push('hls.js not supported');
  const hls = new Hls(${config});
  hls.on(Hls.Events.ERROR, (e, d) => w.errors.push(d.details + (d.fatal ? ' (fatal)' : '')));
  hls.on(Hls.Events.LEVEL_LOADED, (e, d) => { w.targetDuration = d.details.targetduration; });
  hls.loadSource(${JSON.stringify(live)});
  hls.attachMedia(v);
  v.requestVideoFrameCallback(() => { w.firstFrameMs = performance.now(); });
  v.play().catch(() => undefined);
  setInterval(() => {
    const d = hls.playingDate;
    if (v.paused || !d) return;
    w.samples.push({ at: Date.now(), glass: Date.now() - d.getTime(), edge: hls.latency,
      rate: v.playbackRate, frames: v.getVideoPlaybackQuality().totalVideoFrames });
  }, 250);
</script></body></html>`;

export async function hlsLatency(o: {
  base: string;
  livePath: string;
  seconds: number;
  config?: Record<string, unknown>;
}): Promise<HlsResult> {
  const config = o.config ?? APP_LIVE_CONFIG;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: chromiumArgs,
  });
  try {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    await ctx.route(`${o.base}/__bench__/hls.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: PAGE(JSON.stringify(config), o.livePath) }),
    );
    await ctx.route(`${o.base}/__bench__/hls.min.js`, (route) =>
      route.fulfill({ contentType: 'text/javascript', path: HLS_JS }),
    );
    const page = await ctx.newPage();
    await page.goto(`${o.base}/__bench__/hls.html`);
    await page.waitForFunction(
      () => (window as unknown as { firstFrameMs: number | null }).firstFrameMs !== null,
      null,
      {
        timeout: 30_000,
        polling: 50,
      },
    );
    const firstFrameMs = await page.evaluate(
      () => (window as unknown as { firstFrameMs: number }).firstFrameMs,
    );
    const playingSince = Date.now();
    await page.waitForTimeout(o.seconds * 1000);
    const r = await page.evaluate(() => {
      const w = window as unknown as {
        samples: Sample[];
        errors: string[];
        targetDuration: number;
      };
      return { samples: w.samples, errors: w.errors, targetDuration: w.targetDuration };
    });
    await ctx.close();
    const last = r.samples[r.samples.length - 1];
    return {
      config,
      firstFrameMs,
      playingSince,
      samples: r.samples,
      targetDurationS: r.targetDuration,
      errors: [...new Set(r.errors)],
      frames: last?.frames ?? 0,
    };
  } finally {
    await browser.close();
  }
}
