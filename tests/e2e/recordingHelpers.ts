/**
 * Helpers of the recording end-to-end test: what ffprobe read, the recording player's state as
 * the page sees it, logging in while keeping the app's bearer token, and tampered playback URLs.
 */
import { expect, type Browser, type Page } from '@playwright/test';
import type { Probe } from '../../server/test/recording/support.ts';
import { newPage } from './helpers.ts';

/** One recorded fragment as the fragments route lists it. */
export interface Fragment {
  seq: number;
  runId: string;
  producerTime: number;
  durationMs: number;
  keyframe: boolean;
}

export function streamsOf(p: Probe): string[] {
  return p.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort();
}

/** "video 0.000+13.696, audio 0.000+13.704": each stream's start and duration (s). */
export function timesOf(p: Probe): string {
  return p.streams
    .map((s) => {
      const t = s as { start_time?: string; duration?: string };
      return `${s.codec_type} ${t.start_time ?? '?'}+${t.duration ?? '?'}`;
    })
    .join(', ');
}

/** The recording player's state, as the page sees it. */
export interface PlayerState {
  hls: boolean;
  kind: string | null;
  currentTime: number;
  frames: number;
  paused: boolean;
  rate: number;
  playingDate: number | null;
}

export async function player(page: Page): Promise<PlayerState> {
  return page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="recording-video"]');
    const hls = (
      window as unknown as { porchlight?: { hls?: { playingDate: Date | null } | null } }
    ).porchlight?.hls;
    return {
      hls: !!hls,
      kind: v?.dataset['kind'] ?? null,
      currentTime: v?.currentTime ?? 0,
      frames: v?.getVideoPlaybackQuality().totalVideoFrames ?? 0,
      paused: v?.paused ?? true,
      rate: v?.playbackRate ?? 0,
      playingDate: hls?.playingDate?.getTime() ?? null,
    };
  });
}

/** Media seconds played per wall-clock second over `ms`, and frames presented meanwhile. */
export async function measure(page: Page, ms: number): Promise<{ speed: number; frames: number }> {
  const a = await player(page);
  const t0 = Date.now();
  await page.waitForTimeout(ms);
  const b = await player(page);
  return {
    speed: (b.currentTime - a.currentTime) / ((Date.now() - t0) / 1000),
    frames: b.frames - a.frames,
  };
}

/** Waits until the recording video plays: time and decoded frames both advance. */
export async function expectPlaying(page: Page, timeout = 20_000): Promise<void> {
  let last: PlayerState | null = null;
  await expect
    .poll(
      async () => {
        const now = await player(page);
        const advancing =
          last !== null &&
          now.currentTime > last.currentTime + 0.1 &&
          now.frames > last.frames &&
          !now.paused;
        last = now;
        return advancing;
      },
      { timeout, intervals: [500] },
    )
    .toBe(true);
}

/** Logs in through the form, keeping the bearer token the app sends to the API. */
export async function logInCapturingToken(
  browser: Browser,
  base: string,
  email: string,
  password: string,
): Promise<{ page: Page; token: () => string | null }> {
  const page = await newPage(browser, `${base}/`);
  let token: string | null = null;
  page.on('request', (req) => {
    const auth = req.headers()['authorization'];
    if (req.url().includes('/api/v1/') && auth?.startsWith('Bearer ')) token = auth.slice(7);
  });
  const me = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.ok());
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('connection-state')).toHaveText('connected', { timeout: 20_000 });
  // The app knows what this person may do once /me answered.
  await me;
  return { page, token: () => token };
}

/** Flips one character in the middle of a /media/<token>/… URL's token. */
export function tamper(url: string): string {
  const m = /^(.*\/media\/)([^/]+)(\/.*)$/.exec(url);
  if (!m) throw new Error(`not a playback URL: ${url}`);
  const token = m[2]!;
  const i = Math.floor(token.length * 0.75);
  const flipped = token[i] === 'A' ? 'B' : 'A';
  return `${m[1]}${token.slice(0, i)}${flipped}${token.slice(i + 1)}${m[3]}`;
}
