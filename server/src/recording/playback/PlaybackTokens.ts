import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PorchlightError } from '../../errors.ts';

/** What a signed playback URL lets its bearer fetch. */
export interface PlaybackGrant {
  deviceId: string;
  siteId: string;
  /** Who minted it: re-checked on every playlist so a revoked grant stops playback. */
  principal: { kind: 'account' | 'apikey'; id: string };
  /** Camera-time bounds of what may be fetched (null = unbounded). */
  from: number | null;
  to: number | null;
  /** Unix ms. */
  expiresAt: number;
}

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const Payload = z.strictObject({
  v: z.literal(1),
  d: Id,
  s: Id,
  pk: z.enum(['account', 'apikey']),
  pi: Id,
  f: z.number().int().nullable(),
  t: z.number().int().nullable(),
  e: z.number().int().positive(),
});

const MAX_TOKEN = 1024;

/**
 * Signed, expiring playback tokens carried in the URL path (`/media/<token>/vod.m3u8`), so relative
 * segment URIs inherit them and any player (hls.js, Safari, VLC, ffprobe) works without headers.
 * HMAC-SHA256 with a key derived from the server secret for this purpose only.
 */
export class PlaybackTokens {
  readonly #key: Buffer;
  readonly #now: () => number;

  constructor(secret: string, now: () => number = Date.now) {
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'porchlight', 'playback-url-v1', 32));
    this.#now = now;
  }

  mint(g: PlaybackGrant): string {
    const payload = Buffer.from(
      JSON.stringify({
        v: 1,
        d: g.deviceId,
        s: g.siteId,
        pk: g.principal.kind,
        pi: g.principal.id,
        f: g.from,
        t: g.to,
        e: g.expiresAt,
      }),
    ).toString('base64url');
    return `${payload}.${this.#mac(payload)}`;
  }

  /** Throws UNAUTHORIZED for anything forged, tampered, malformed or expired. */
  verify(token: string): PlaybackGrant {
    const bad = PorchlightError.unauthorized('invalid or expired playback URL');
    if (token.length > MAX_TOKEN) throw bad;
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) throw bad;
    const expected = Buffer.from(this.#mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad;
    let parsed: z.infer<typeof Payload>;
    try {
      parsed = Payload.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch {
      throw bad;
    }
    if (parsed.e <= this.#now()) throw bad;
    return {
      deviceId: parsed.d,
      siteId: parsed.s,
      principal: { kind: parsed.pk, id: parsed.pi },
      from: parsed.f,
      to: parsed.t,
      expiresAt: parsed.e,
    };
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url');
  }
}
