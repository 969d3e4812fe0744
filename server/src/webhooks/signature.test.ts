import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../../packages/sdk/src/webhooks.ts';
import { newSigningSecret, signatureHeader } from './signature.ts';

const body = JSON.stringify({
  id: 'evt_2',
  version: 1,
  type: 'webhook.test',
  createdAt: 1,
  siteId: 's',
  data: { message: 'x', webhookId: 'w' },
});

describe('the server signs what the SDK verifies', () => {
  it('makes distinct whsec_ secrets of 32 random bytes', () => {
    const a = newSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSigningSecret()).not.toBe(a);
  });

  it('one secret: one v1; during a rotation: two, each verifying with its own secret', () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const t = 1_800_000_000;
    const one = signatureHeader([current], t, body);
    expect(one).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    const two = signatureHeader([current, previous], t, body);
    expect(two.split(',')).toHaveLength(3);
    for (const secret of [current, previous])
      expect(verifyWebhookSignature({ body, signature: two, secret, now: t * 1000 }).id).toBe(
        'evt_2',
      );
    expect(() =>
      verifyWebhookSignature({ body, signature: one, secret: previous, now: t * 1000 }),
    ).toThrow(/no signature matches/);
  });
});
