import { expect, type Browser, type Page } from '@playwright/test';
import { SMPTE_BARS } from '../support/fixtures.ts';

/** Stats a page's PorchlightClient reports (see packages/sdk getStats). */
export interface PageStats {
  video: { framesDecoded: number; bytesReceived: number };
  audio: { totalAudioEnergy: number; bytesReceived: number };
  outbound: { bytesSent: number };
  candidatePairType?: string;
  relayProtocol?: string;
}

export async function statsOf(page: Page): Promise<PageStats> {
  return page.evaluate(async () => {
    const w = window as unknown as { porchlight?: { client?: { getStats(): Promise<unknown> } } };
    if (!w.porchlight?.client) throw new Error('window.porchlight.client missing');
    return (await w.porchlight.client.getStats()) as PageStats;
  });
}

/** Frames presented so far by the first live video (counted by the browser's compositor). */
export async function presentedFrames(page: Page, producerId?: string): Promise<number> {
  return page.evaluate((id) => {
    const sel = id
      ? `[data-testid="live-video"][data-producer-id="${id}"]`
      : '[data-testid="live-video"]';
    const v = document.querySelector<HTMLVideoElement>(sel);
    return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
  }, producerId);
}

/** Waits until the first live video keeps presenting new frames. */
export async function expectVideoAdvancing(
  page: Page,
  producerId?: string,
  timeout = 15_000,
  intervalMs = 250,
): Promise<void> {
  let last = -1;
  await expect
    .poll(
      async () => {
        const n = await presentedFrames(page, producerId);
        const advancing = last >= 0 && n > last;
        last = n;
        return advancing;
      },
      { timeout, intervals: [intervalMs] },
    )
    .toBe(true);
}

/**
 * Draws the live video into a canvas and checks the SMPTE bar colours (not black, not garbage).
 * Returns the sampled colours for the failure message.
 */
export async function sampleBars(page: Page): Promise<{ ok: boolean; samples: number[][] }> {
  return page.evaluate(
    (bars) => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
      if (!v || v.videoWidth === 0) return { ok: false, samples: [] };
      const c = document.createElement('canvas');
      c.width = v.videoWidth;
      c.height = v.videoHeight;
      const g = c.getContext('2d', { willReadFrequently: true })!;
      g.drawImage(v, 0, 0);
      const samples: number[][] = [];
      let ok = true;
      bars.forEach((expected, i) => {
        const x = Math.floor(((i + 0.5) / bars.length) * c.width);
        const y = Math.floor(c.height * 0.3);
        const d = g.getImageData(x, y, 1, 1).data;
        const got = [d[0]!, d[1]!, d[2]!];
        samples.push(got);
        if (expected.some((e, k) => Math.abs(e - got[k]!) > 48)) ok = false;
      });
      return { ok, samples };
    },
    SMPTE_BARS as [number, number, number][],
  );
}

/** Opens a fresh browser context on `url` (self-signed certificate accepted). */
export async function newPage(browser: Browser, url: string): Promise<Page> {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await ctx.newPage();
  await page.goto(url);
  return page;
}

/** A browser becomes a camera the way a person does it: through a provisioning link. */
export async function openCamera(browser: Browser, base: string, code: string): Promise<Page> {
  const page = await newPage(browser, `${base}/#provision=${encodeURIComponent(code)}`);
  await expect(page.getByTestId('camera-status')).toHaveText('publishing', { timeout: 30_000 });
  return page;
}

/** A person logs in through the login form. */
export async function logIn(
  browser: Browser,
  base: string,
  email: string,
  password: string,
): Promise<Page> {
  const page = await newPage(browser, `${base}/`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('connection-state')).toHaveText('connected', { timeout: 20_000 });
  return page;
}
