/**
 * An alarm's state change reaches a webhook through the alarms' Notifier list (the real
 * evaluator on the real recording volume: a disk-free threshold above the free space).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../tests/support/webhookReceiver.ts';
import { verifyWebhookSignature } from '../../../packages/sdk/src/webhooks.ts';
import { alarmWorld, FAST, type AlarmWorld } from '../alarms/world.ts';
import { until } from '../recording/support.ts';

describe('alarm.state_changed webhooks', () => {
  let w: AlarmWorld;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    w = await alarmWorld({ webhooks: { allowPrivateTargets: true } }, { webhookCa: receiver.ca });
  });
  afterAll(async () => {
    await w?.close();
    await receiver?.close();
  });

  it('an ALARM is delivered signed, with the transition and the rule', async () => {
    const { secret } = await w.ts.server.webhooks.service.create(w.ts.siteId, {
      url: receiver.url,
      events: ['alarm.state_changed'],
    });
    // Free space is always below 4 PiB: the rule breaches at its next evaluation.
    const rule = await w.tune('disk-free', { ...FAST, threshold: 2 ** 52 });
    await w.message(rule.id, 'ALARM');
    const envelope = await until('the alarm webhook', () => {
      for (const r of receiver.received) {
        const e = verifyWebhookSignature({
          body: r.body,
          signature: String(r.headers['porchlight-signature']),
          secret,
        });
        if (e.type === 'alarm.state_changed' && e.data.alarmId === rule.id && e.data.to === 'ALARM')
          return e;
      }
      return undefined;
    });
    expect(envelope).toMatchObject({
      siteId: w.ts.siteId,
      data: { kind: 'disk-free', to: 'ALARM', deviceId: null },
    });
    expect(envelope.type === 'alarm.state_changed' && envelope.data.value).toBeGreaterThan(0);
  });
});
