/**
 * The sender trusts a push service only through TLS: the local receiver's self-signed certificate
 * is accepted with the agent that carries it, and refused without (no process-wide TLS bypass in
 * this file, unlike the REST tests' helper).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { PushSender } from '../../src/notify/PushSender.ts';
import type { PushSubscriptionRecord } from '../../src/store/repositories/PushSubscriptionRepository.ts';
import { PushReceiver } from '../../../tests/support/pushReceiver.ts';

const noBookkeeping = {
  delete: async () => true,
  recordSuccess: async () => undefined,
  recordFailure: async () => undefined,
};

describe('push sender TLS', () => {
  let receiver: PushReceiver;
  beforeAll(async () => {
    receiver = await PushReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('delivers with the receiver CA in its agent and refuses the certificate without it', async () => {
    expect(process.env['NODE_TLS_REJECT_UNAUTHORIZED']).toBeUndefined();
    const b = receiver.browser();
    const sub: PushSubscriptionRecord = {
      id: 's1',
      accountId: 'a1',
      endpoint: b.subscription.endpoint,
      p256dh: b.subscription.keys.p256dh,
      auth: b.subscription.keys.auth,
      label: null,
      userAgent: null,
      settings: { devices: null, quietHours: null },
      createdAt: 0,
      lastSuccessAt: null,
      lastFailureAt: null,
      failures: 0,
    };
    const payload = {
      v: 1 as const,
      type: 'test' as const,
      title: 'Test',
      body: 'Hello',
      tag: 't',
      url: '/',
      actions: [],
      renotify: false,
      requireInteraction: false,
      timestamp: 1,
    };
    const vapid = webpush.generateVAPIDKeys();
    const common = { vapid, subject: 'mailto:ops@example.com', subscriptions: noBookkeeping };
    const untrusting = new PushSender(common);
    const refused = await untrusting.send(sub, payload, { urgency: 'normal', ttlSeconds: 60 });
    expect(refused).toMatchObject({ kind: 'throttled', status: null });
    expect(receiver.received).toHaveLength(0);

    const trusting = new PushSender({ ...common, agent: receiver.agent });
    const ok = await trusting.send(sub, payload, { urgency: 'normal', ttlSeconds: 60 });
    expect(ok).toMatchObject({ kind: 'delivered', status: 201 });
    expect(receiver.received[0]!.json).toMatchObject({ title: 'Test', body: 'Hello' });
    expect(receiver.received[0]!.vapid.publicKey).toBe(vapid.publicKey);
  });
});
