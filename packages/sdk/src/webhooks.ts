/**
 * `@porchlight/sdk/webhooks` (Node): checks that a webhook delivery came from your Porchlight
 * server, unchanged and recently (docs/webhooks.md). Uses `node:crypto`; not part of the browser
 * entry point.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookEnvelopeSchema,
  type WebhookEnvelope,
} from '@porchlight/protocol';

export { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TOLERANCE_SECONDS } from '@porchlight/protocol';

/** Why a delivery was refused. */
export type WebhookVerificationReason =
  'missing-header' | 'malformed-header' | 'stale-timestamp' | 'bad-signature' | 'bad-payload';

/** The delivery is not to be trusted; `reason` says why. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message);
  }
}

/** What {@link verifyWebhookSignature} checks: the raw body, the header and your secret(s). */
export interface VerifyWebhookOptions {
  /** The raw request body exactly as received (bytes or the same UTF-8 string): never re-serialised JSON. */
  body: string | Uint8Array;
  /** The `Porchlight-Signature` header. */
  signature: string | string[] | undefined;
  /** The endpoint's signing secret(s): pass two while you switch after a rotation. */
  secret: string | readonly string[];
  /** Accepted distance between the signed timestamp and now (seconds). Default 300. */
  toleranceSeconds?: number;
  /** Your clock, unix ms. Default Date.now(). */
  now?: number;
}

/**
 * Verifies a delivery and returns its parsed envelope: the header's timestamp must be within
 * the tolerance (a replayed old delivery is refused), and one of its `v1` signatures must be
 * HMAC-SHA256(secret, `${t}.${body}`) for one of your secrets (compared in constant time).
 * Throws {@link WebhookVerificationError} otherwise. De-duplicate on the envelope's `id` too:
 * a delivery can be retried, and a replay within the tolerance is only caught that way.
 */
export function verifyWebhookSignature(o: VerifyWebhookOptions): WebhookEnvelope {
  const header = Array.isArray(o.signature) ? o.signature[0] : o.signature;
  if (!header) throw new WebhookVerificationError('missing-header', 'no Porchlight-Signature');
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0)
    throw new WebhookVerificationError('malformed-header', 'no t= or v1= in the signature');
  const tolerance = o.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((o.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance)
    throw new WebhookVerificationError(
      'stale-timestamp',
      `timestamp ${timestamp} is more than ${tolerance} s from now (${nowSeconds})`,
    );
  const body = typeof o.body === 'string' ? Buffer.from(o.body, 'utf8') : Buffer.from(o.body);
  const secrets = typeof o.secret === 'string' ? [o.secret] : o.secret;
  const ok = secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
    return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  });
  if (!ok) throw new WebhookVerificationError('bad-signature', 'no signature matches the secret');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('bad-payload', 'the body is not JSON');
  }
  const envelope = WebhookEnvelopeSchema.safeParse(parsed);
  if (!envelope.success)
    throw new WebhookVerificationError('bad-payload', 'the body is not a Porchlight webhook');
  return envelope.data;
}
