import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature, WebhookVerificationError } from './webhooks.ts';

const secret = 'whsec_test_secret_one';
const other = 'whsec_test_secret_two';
const body = JSON.stringify({
  id: 'evt_1',
  version: 1,
  type: 'webhook.test',
  createdAt: 1_700_000_000_000,
  siteId: 's1',
  data: { message: 'hi', webhookId: 'w1' },
});
const t = 1_700_000_000;
const sig = (s: string, ts = t, b = body) =>
  createHmac('sha256', s).update(`${ts}.${b}`).digest('hex');
const now = t * 1000 + 10_000;

function reason(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof WebhookVerificationError) return e.reason;
    throw e;
  }
  return 'accepted';
}

describe('verifyWebhookSignature', () => {
  it('accepts a fresh, correctly signed body and returns the envelope', () => {
    const env = verifyWebhookSignature({
      body,
      signature: `t=${t},v1=${sig(secret)}`,
      secret,
      now,
    });
    expect(env.type).toBe('webhook.test');
  });

  it('accepts either of two signatures (rotation) and either of two secrets', () => {
    const header = `t=${t},v1=${sig(other)},v1=${sig(secret)}`;
    expect(reason(() => verifyWebhookSignature({ body, signature: header, secret, now }))).toBe(
      'accepted',
    );
    const single = `t=${t},v1=${sig(other)}`;
    expect(
      reason(() =>
        verifyWebhookSignature({ body, signature: single, secret: [secret, other], now }),
      ),
    ).toBe('accepted');
  });

  it('refuses a stale or future timestamp (replay), even when correctly signed', () => {
    const old = t - 301;
    expect(
      reason(() =>
        verifyWebhookSignature({
          body,
          signature: `t=${old},v1=${sig(secret, old)}`,
          secret,
          now: t * 1000,
        }),
      ),
    ).toBe('stale-timestamp');
    const future = t + 301;
    expect(
      reason(() =>
        verifyWebhookSignature({
          body,
          signature: `t=${future},v1=${sig(secret, future)}`,
          secret,
          now: t * 1000,
        }),
      ),
    ).toBe('stale-timestamp');
  });

  it('refuses a tampered body, a wrong secret, a moved timestamp and malformed headers', () => {
    const header = `t=${t},v1=${sig(secret)}`;
    expect(
      reason(() => verifyWebhookSignature({ body: body + ' ', signature: header, secret, now })),
    ).toBe('bad-signature');
    expect(
      reason(() => verifyWebhookSignature({ body, signature: header, secret: other, now })),
    ).toBe('bad-signature');
    expect(
      reason(() =>
        verifyWebhookSignature({ body, signature: `t=${t + 1},v1=${sig(secret)}`, secret, now }),
      ),
    ).toBe('bad-signature');
    expect(reason(() => verifyWebhookSignature({ body, signature: undefined, secret, now }))).toBe(
      'missing-header',
    );
    expect(reason(() => verifyWebhookSignature({ body, signature: 'v1=abc', secret, now }))).toBe(
      'malformed-header',
    );
    expect(
      reason(() => verifyWebhookSignature({ body, signature: `t=${t},v1=zz`, secret, now })),
    ).toBe('malformed-header');
  });

  it('refuses a signed body that is not a Porchlight envelope', () => {
    const junk = '{"hello":1}';
    expect(
      reason(() =>
        verifyWebhookSignature({
          body: junk,
          signature: `t=${t},v1=${sig(secret, t, junk)}`,
          secret,
          now,
        }),
      ),
    ).toBe('bad-payload');
  });
});
