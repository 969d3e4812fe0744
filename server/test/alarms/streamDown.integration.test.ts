/**
 * A camera stops streaming for real (its client closes: the mediasoup producer closes) and comes
 * back: the site's stream-down alarm goes to ALARM and back to OK, with history rows, `alarm`
 * socket messages and a Web Push the local push receiver decrypts.
 */
import { PushPayloadSchema } from '@porchlight/protocol';
import { PorchlightClient } from '@porchlight/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { PushReceiver } from '../../../tests/support/pushReceiver.ts';
import { syntheticCamera, YUV } from '../../../tests/support/wrtc.ts';
import { startCamera } from '../recording/support.ts';
import { alarmWorld, FAST, transitions, type AlarmWorld } from './world.ts';

describe('stream-down alarm from a real producer closing', () => {
  let w: AlarmWorld;
  let receiver: PushReceiver;
  const stops: (() => void)[] = [];

  beforeAll(async () => {
    receiver = await PushReceiver.start();
    w = await alarmWorld({ push: { allowPrivateEndpoints: true } }, { pushAgent: receiver.agent });
  });
  afterAll(async () => {
    for (const stop of stops) stop();
    await w?.close();
    await receiver?.close();
  });

  it('goes to ALARM when the camera stops and back to OK when it streams again', async () => {
    const phone = receiver.browser();
    const sub = await api(w.ts.url, 'POST', '/api/v1/notifications/subscriptions', {
      token: w.owner.token,
      body: { subscription: phone.subscription, label: 'Phone' },
    });
    expect(sub.status).toBe(201);
    const cam = await startCamera(w.ts, { label: 'Porch' });
    stops.push(cam.stop);
    const rule = await w.tune('stream-down', { ...FAST, threshold: 2 });
    await w.waitFor(rule.id, 'OK');

    cam.stop(); // the camera's socket closes: its producer closes in the SFU
    const alarmed = await w.message(rule.id, 'ALARM');
    expect(alarmed.from).toBe('OK');
    expect(alarmed.alarm.value).toBeGreaterThan(2);
    await w.waitFor(rule.id, 'ALARM');

    // The same camera (same device credential) publishes again.
    const client = new PorchlightClient({
      url: w.ts.url,
      token: cam.token,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    await client.connect();
    const source = syntheticCamera(320, 240, YUV.blue);
    stops.push(() => {
      source.stop();
      client.close();
    });
    await client.publish(source.track, { source: 'camera', simulcast: false });
    const resolved = await w.message(rule.id, 'OK');
    expect(resolved.from).toBe('ALARM');
    expect(resolved.alarm.value).toBe(0);

    const history = await w.history(rule.id);
    expect(transitions(history)).toStrictEqual(['INSUFFICIENT_DATA->OK', 'OK->ALARM', 'ALARM->OK']);
    // Web Push: both changes, decrypted by the push receiver, on one tag per alarm.
    await receiver.waitFor(() => receiver.for(phone.id).length >= 2);
    const pushes = receiver.for(phone.id).map((m) => PushPayloadSchema.parse(m.json));
    expect(pushes.map((p) => [p.type, p.alarmId, p.title])).toStrictEqual([
      ['alarm', rule.id, 'Alarm: stream-down'],
      ['alarm', rule.id, 'Resolved: stream-down'],
    ]);
    expect(pushes[0]!.tag).toBe(`alarm-${rule.id}`);
    expect(receiver.errors).toStrictEqual([]);
  });
});
