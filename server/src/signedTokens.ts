import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { PorchlightError } from './errors.ts';

/**
 * Clock steps smaller than this (NTP slewing, nodes a little apart) do not void tokens; a token
 * minted more than this after now was minted before the clock stepped back, and is refused rather
 * than living longer by the step. Access tokens follow the same rule.
 */
export const CLOCK_TOLERANCE_MS = 60_000;

/** Every signed payload carries its expiry (unix ms) as `e`. */
export interface ExpiringPayload {
  e: number;
}

export interface SignedTokensOptions<S extends z.ZodType<ExpiringPayload>> {
  /** The server secret; the key is derived from it for `purpose` only. */
  secret: string;
  /** HKDF label of this kind of token: a token of one purpose never verifies as another. */
  purpose: string;
  /** The payload on the wire (short keys, strict): anything else is refused. */
  schema: S;
  /** Message of the UNAUTHORIZED error for anything forged, malformed or expired. */
  invalid: string;
  now?: () => number;
  /** Longer tokens are refused before any work. Default 1024. */
  maxLength?: number;
}

/**
 * Compact signed, expiring tokens for URLs and push payloads: `<base64url JSON>.<base64url
 * HMAC-SHA256>`, the key derived by HKDF from the server secret and the token's purpose. Verify
 * checks length, the MAC in constant time, the payload schema, then the expiry (a token dies at
 * `e`). The signed JSON also carries when it was minted (`n`, unix ms, added here and not part of
 * the schema): after a clock step back, tokens minted "in the future" are refused, so the step
 * cannot stretch their life (tokens from before `n` existed have none and are judged by `e`).
 * Small and dependency-free, so a service worker or a player can carry them in a URL.
 */
export class SignedTokens<S extends z.ZodType<ExpiringPayload>> {
  readonly #key: Buffer;
  readonly #schema: S;
  readonly #invalid: string;
  readonly #now: () => number;
  readonly #maxLength: number;

  constructor(o: SignedTokensOptions<S>) {
    this.#key = Buffer.from(hkdfSync('sha256', o.secret, 'porchlight', o.purpose, 32));
    this.#schema = o.schema;
    this.#invalid = o.invalid;
    this.#now = o.now ?? Date.now;
    this.#maxLength = o.maxLength ?? 1024;
  }

  /** The token of `payload` (its keys in the order given). */
  mint(payload: z.output<S>): string {
    if ('n' in payload) throw new Error('a signed payload may not use the key n (its mint time)');
    const body = Buffer.from(JSON.stringify({ ...payload, n: this.#now() })).toString('base64url');
    return `${body}.${this.#mac(body)}`;
  }

  /** The payload; UNAUTHORIZED (`invalid`) for anything forged, tampered, malformed or expired. */
  verify(token: string): z.output<S> {
    const payload = this.check(token);
    if (payload === null) throw PorchlightError.unauthorized(this.#invalid);
    return payload;
  }

  /** Like verify, but null instead of an error (for routes that answer 404). */
  check(token: string): z.output<S> | null {
    if (token.length > this.#maxLength) return null;
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.#mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let parsed: z.output<S>;
    let mintedAt: unknown;
    try {
      const json: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
      const { n, ...payload } = json as Record<string, unknown>;
      mintedAt = n;
      const r = this.#schema.safeParse(payload);
      if (!r.success) return null;
      parsed = r.data;
    } catch {
      return null;
    }
    const now = this.#now();
    // Without `n` (minted before mint times existed) the expiry alone decides.
    const mintedInTime = typeof mintedAt === 'number' && mintedAt <= now + CLOCK_TOLERANCE_MS;
    if (mintedAt !== undefined && !mintedInTime) return null;
    return parsed.e <= now ? null : parsed;
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}
