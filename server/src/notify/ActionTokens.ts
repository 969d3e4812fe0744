import { z } from 'zod';
import { SignedTokens } from '../signedTokens.ts';

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

/**
 * Signed, short-lived tokens carried in a ring's push payload so the service worker can decline
 * the call from the notification without the page's access token (a closed PWA has none in
 * memory, and the refresh token lives in the page's localStorage, out of the worker's reach).
 * A token names exactly one action, account and call, and dies with the ring window.
 */
export class ActionTokens {
  readonly #tokens: SignedTokens<typeof Payload>;

  constructor(secret: string, now: () => number = Date.now) {
    this.#tokens = new SignedTokens({
      secret,
      purpose: 'push-action-v1',
      schema: Payload,
      invalid: 'invalid or expired notification action',
      now,
    });
  }

  mint(g: ActionGrant): string {
    return this.#tokens.mint({ v: 1, x: g.action, a: g.accountId, c: g.callId, e: g.expiresAt });
  }

  /** Throws UNAUTHORIZED for anything forged, tampered, malformed or expired. */
  verify(token: string): ActionGrant {
    const p = this.#tokens.verify(token);
    return { action: p.x, accountId: p.a, callId: p.c, expiresAt: p.e };
  }
}
