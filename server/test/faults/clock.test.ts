/**
 * Clock jumps, forward and back, on the injected clocks of the pieces that read time: access
 * tokens (expiry), retention (age cutoff) and playlists (wall-clock stamps of segments).
 * - Tokens: a jump forward past the TTL expires them; a jump back does not stretch a token's life
 *   (one issued "in the future" counts as expired and is refreshed; within 60 s it is tolerated).
 *   The same for signed URLs (playback, snapshots, push actions, known devices, detector hosts).
 * - Retention: after a jump back, segments stamped "in the future" are not deleted early, and
 *   segments recorded after the jump (stamped earlier) are deleted by their own time, not by order.
 * - Playlists: a run started after a jump back is its own discontinuity with its own
 *   PROGRAM-DATE-TIME; the live media sequence stays in recording order.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessTokens } from '../../src/identity/authentication/AccessTokens.ts';
import { Retention } from '../../src/recording/Retention.ts';
import { mediaPlaylist } from '../../src/recording/playback/playlists.ts';
import { PlaybackTokens } from '../../src/recording/playback/PlaybackTokens.ts';
import type { RecordingRun } from '../../src/recording/types.ts';
import { testVault } from '../recording/testVault.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('clock jumps: access tokens', () => {
  let now = Date.UTC(2026, 0, 1, 12);
  const tokens = new AccessTokens({
    secret: randomBytes(32).toString('base64url'),
    now: () => now,
  });
  const check = async (token: string): Promise<string> =>
    tokens.verifyAccount(token).then(
      () => 'valid',
      (e: Error) => e.message,
    );

  it('forward past the TTL expires a token; back again it is not revived beyond its exp', async () => {
    const start = now;
    const { token } = await tokens.issueAccount('a1');
    expect(await check(token)).toBe('valid');
    now = start + 11 * MIN; // TTL 10 min
    expect(await check(token)).toBe('token expired');
    now = start + 5 * MIN; // the jump corrected: inside its life again, as issued
    expect(await check(token)).toBe('valid');
  });

  it('back by an hour: a token issued before the jump is expired, not valid for 70 minutes', async () => {
    const start = now;
    const { token } = await tokens.issueAccount('a2');
    now = start - HOUR;
    expect(await check(token)).toBe('token expired');
    // A small step back (NTP, nodes a little apart) is tolerated.
    now = start - 30_000;
    expect(await check(token)).toBe('valid');
    // The refreshed token lives its TTL on the new clock.
    now = start - HOUR;
    const fresh = await tokens.issueAccount('a2');
    expect(await check(fresh.token)).toBe('valid');
    now = start - HOUR + 11 * MIN;
    expect(await check(fresh.token)).toBe('token expired');
    now = start;
  });
});

describe('clock jumps: signed URLs', () => {
  let now = Date.UTC(2026, 0, 1, 12);
  const urls = new PlaybackTokens(randomBytes(32).toString('base64url'), () => now);
  const grant = (expiresAt: number) => ({
    deviceId: 'cam1',
    siteId: 'site1',
    principal: { kind: 'account' as const, id: 'a1' },
    from: null,
    to: null,
    expiresAt,
  });
  const check = (token: string): string => {
    try {
      urls.verify(token);
      return 'valid';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('a playback URL minted before a jump back of an hour is refused, not valid for two hours', () => {
    const start = now;
    const token = urls.mint(grant(start + HOUR));
    expect(check(token)).toBe('valid');
    now = start - HOUR;
    expect(check(token)).toBe('invalid or expired playback URL');
    now = start - 30_000; // a small step back is tolerated
    expect(check(token)).toBe('valid');
    now = start + HOUR; // forward past its expiry
    expect(check(token)).toBe('invalid or expired playback URL');
    // Minted on the new clock, it lives its hour there.
    now = start - HOUR;
    const fresh = urls.mint(grant(now + HOUR));
    expect(check(fresh)).toBe('valid');
    now = start;
    expect(check(fresh)).toBe('invalid or expired playback URL');
  });
});

describe('clock jumps: retention and playlists', () => {
  let v: Awaited<ReturnType<typeof testVault>>;
  beforeEach(async () => {
    v = await testVault();
  });
  afterEach(async () => {
    await v.close();
  });

  it('retention deletes by each segment own time in both directions', async () => {
    const retention = new Retention(v.index, v.vault, () => new Set());
    const T = 1_000_000_000;
    // Segments 1-3 recorded at T, then the clock jumps back an hour: 4-6 are stamped T - 1 h.
    for (let n = 1; n <= 3; n++) await v.addSegment(n, { producerTime: T + n * 2000 });
    for (let n = 4; n <= 6; n++) await v.addSegment(n, { producerTime: T - HOUR + n * 2000 });
    const stream = { ...v.stream, retentionMaxAgeSeconds: 30 * 60 };
    // Right after the jump back: nothing is older than 30 min on the new clock.
    expect(await retention.enforce(stream, T - HOUR + 20_000)).toStrictEqual([]);
    // 40 min on: only the segments stamped after the jump are old enough; 1-3 stay.
    const later = await retention.enforce(stream, T - HOUR + 40 * MIN);
    expect(later.map((s) => s.seq).sort()).toStrictEqual([4, 5, 6]);
    expect((await v.index.allSegments(v.deviceId)).map((s) => s.seq)).toStrictEqual([1, 2, 3]);
    // A jump forward by a day: everything is past the cutoff and goes.
    const forward = await retention.enforce(stream, T + 24 * HOUR);
    expect(forward.map((s) => s.seq)).toStrictEqual([1, 2, 3]);
  });

  it('a run started after a jump back is a discontinuity with its own date-time', () => {
    const T = Date.UTC(2026, 0, 1, 12);
    const run = (id: string): RecordingRun => ({ id }) as RecordingRun;
    const runs = new Map([
      ['r1', run('r1')],
      ['r2', run('r2')],
    ]);
    const segments = [
      { seq: 10, runId: 'r1', producerTime: T, durationMs: 2000 },
      { seq: 11, runId: 'r1', producerTime: T + 2000, durationMs: 2000 },
      // The clock jumped back an hour between the runs.
      { seq: 12, runId: 'r2', producerTime: T - HOUR, durationMs: 2000 },
      { seq: 13, runId: 'r2', producerTime: T - HOUR + 2000, durationMs: 2000 },
    ];
    const text = mediaPlaylist(segments, runs, { kind: 'live', segmentMs: 2000 });
    const lines = text.split('\n');
    expect(lines).toContain('#EXT-X-MEDIA-SEQUENCE:10');
    expect(lines.filter((l) => l.startsWith('seg/'))).toStrictEqual([
      'seg/10.m4s',
      'seg/11.m4s',
      'seg/12.m4s',
      'seg/13.m4s',
    ]);
    const r2 = lines.indexOf('#EXT-X-MAP:URI="init/r2.mp4"');
    expect(lines[r2 - 1]).toBe('#EXT-X-DISCONTINUITY');
    expect(lines[r2 + 1]).toBe(`#EXT-X-PROGRAM-DATE-TIME:${new Date(T - HOUR).toISOString()}`);
  });
});
