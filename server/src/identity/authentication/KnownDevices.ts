import { z } from 'zod';
import { SignedTokens } from '../../signedTokens.ts';
import { randomSecret, sha256Hex } from './crypto.ts';

/** How long a browser stays "known" after its last successful login. */
export const KNOWN_DEVICE_TTL_SECONDS = 90 * 24 * 3600;

const Payload = z.strictObject({
  v: z.literal(1),
  /** Random id: the key its own failures count against. */
  i: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  /** Hash of the normalized e-mail it logged in as (the token is useless for any other). */
  h: z.string().regex(/^[0-9a-f]{64}$/),
  e: z.number().int().positive(),
});

/**
 * Signed "this browser logged in as this e-mail before" tokens (issue 16, finding 7): returned
 * with every successful login and sent back with the next one, they let the owner past the
 * lockouts that other addresses' failures cause. Not a credential: the password is still checked,
 * and failures with a token count against the token's own id, so a stolen one buys few guesses.
 */
export class KnownDevices {
  readonly #tokens: SignedTokens<typeof Payload>;
  readonly #now: () => number;
  readonly #ttlMs: number;

  constructor(o: { secret: string; now?: () => number; ttlSeconds?: number }) {
    this.#now = o.now ?? Date.now;
    this.#ttlMs = (o.ttlSeconds ?? KNOWN_DEVICE_TTL_SECONDS) * 1000;
    this.#tokens = new SignedTokens({
      secret: o.secret,
      purpose: 'known-device-v1',
      schema: Payload,
      invalid: 'invalid device token',
      now: this.#now,
      maxLength: 512,
    });
  }

  /** A token for `email` (normalized); `id` keeps a device's identity across logins. */
  issue(email: string, id: string = randomSecret(16)): string {
    return this.#tokens.mint({ v: 1, i: id, h: sha256Hex(email), e: this.#now() + this.#ttlMs });
  }

  /** The device id when `token` is a live token for `email`; null otherwise (never throws). */
  idFor(token: string | undefined, email: string): string | null {
    if (typeof token !== 'string') return null;
    const p = this.#tokens.check(token);
    return p !== null && p.h === sha256Hex(email) ? p.i : null;
  }
}
