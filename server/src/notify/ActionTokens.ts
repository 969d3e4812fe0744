import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PorchlightError } from '../errors.ts';

/** What a notification action token lets the service worker do: one action on one call. */
export interface ActionGrant {
  action: 'decline';
  accountId: string;
  callId: string;
  /** Unix ms. */
  expiresAt: number;
}

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const Payload = z.strictObject({
  v: z.literal(1),
  x: z.literal('decline'),
  a: Id,
  c: Id,
  e: z.number().int().positive(),
});

const MAX_TOKEN = 1024;

/**
 * Signed, short-lived tokens carried in a ring's push payload so the service worker can decline
 * the call from the notification without the page's access token (a closed PWA has none in
 * memory, and the refresh token lives in the page's localStorage, out of the worker's reach).
 * HMAC-SHA256 with a key derived from the server secret for this purpose only; a token names
 * exactly one action, account and call, and dies with the ring window.
 */
export class ActionTokens {
  readonly #key: Buffer;
  readonly #now: () => number;

  constructor(secret: string, now: () => number = Date.now) {
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'porchlight', 'push-action-v1', 32));
    this.#now = now;
  }

  mint(g: ActionGrant): string {
    const payload = Buffer.from(
      JSON.stringify({ v: 1, x: g.action, a: g.accountId, c: g.callId, e: g.expiresAt }),
    ).toString('base64url');
    return `${payload}.${this.#mac(payload)}`;
  }

  /** Throws UNAUTHORIZED for anything forged, tampered, malformed or expired. */
  verify(token: string): ActionGrant {
    const bad = PorchlightError.unauthorized('invalid or expired notification action');
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
    return { action: parsed.x, accountId: parsed.a, callId: parsed.c, expiresAt: parsed.e };
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url');
  }
}
