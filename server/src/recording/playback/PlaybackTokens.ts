import { z } from 'zod';
import { SignedTokens } from '../../signedTokens.ts';

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
  /**
   * What it opens: `media` (playlists, segments, clips, snapshots) or only `snapshot` (the
   * thumbnails a timeline shows, which are not audited as a recording view). Default `media`.
   */
  scope?: PlaybackScope;
}

export type PlaybackScope = 'media' | 'snapshot';

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
  // Absent on full tokens (and on those minted before scopes existed).
  sc: z.literal('snapshot').optional(),
});

/**
 * Signed, expiring playback tokens carried in the URL path (`/media/<token>/vod.m3u8`), so relative
 * segment URIs inherit them and any player (hls.js, Safari, VLC, ffprobe) works without headers.
 */
export class PlaybackTokens {
  readonly #tokens: SignedTokens<typeof Payload>;

  constructor(secret: string, now: () => number = Date.now) {
    this.#tokens = new SignedTokens({
      secret,
      purpose: 'playback-url-v1',
      schema: Payload,
      invalid: 'invalid or expired playback URL',
      now,
    });
  }

  mint(g: PlaybackGrant): string {
    return this.#tokens.mint({
      v: 1,
      d: g.deviceId,
      s: g.siteId,
      pk: g.principal.kind,
      pi: g.principal.id,
      f: g.from,
      t: g.to,
      e: g.expiresAt,
      ...(g.scope === 'snapshot' ? { sc: 'snapshot' as const } : {}),
    });
  }

  /** Throws UNAUTHORIZED for anything forged, tampered, malformed or expired. */
  verify(token: string): PlaybackGrant {
    const p = this.#tokens.verify(token);
    return {
      deviceId: p.d,
      siteId: p.s,
      principal: { kind: p.pk, id: p.pi },
      from: p.f,
      to: p.t,
      expiresAt: p.e,
      scope: p.sc ?? 'media',
    };
  }
}
