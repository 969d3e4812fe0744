import { createHmac, randomBytes } from 'node:crypto';

/** Prefix of every signing secret (so a leaked one is recognisable in a secret scanner). */
export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` + 32 random bytes, base64url. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** HMAC-SHA256 (hex) of `${timestamp}.${body}` under one secret. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The `Porchlight-Signature` header value: `t=<unix s>,v1=<hex>` and, while a rotated-out secret
 * is still in its grace period, a second `v1=` made with it (Stripe's scheme).
 */
export function signatureHeader(
  secrets: readonly string[],
  timestampSeconds: number,
  body: string,
): string {
  return [
    `t=${timestampSeconds}`,
    ...secrets.map((s) => `v1=${signPayload(s, timestampSeconds, body)}`),
  ].join(',');
}
