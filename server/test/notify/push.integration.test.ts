/**
 * The sending half of Web Push end to end: a real server (REST, store, sender) pushes to a local
 * HTTPS push service that checks the VAPID JWT, decrypts each message with the subscription's own
 * private key, and records the RFC 8030 headers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushPayloadSchema, type PushDevice, type PushPayload } from '@porchlight/protocol';
import type { DoorbellCall } from '../../src/notify/DoorbellPushTypes.ts';
import { api } from '../../../tests/support/http.ts';
import { PushReceiver, type FakeBrowser } from '../../../tests/support/pushReceiver.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

const SUBS = '/api/v1/notifications/subscriptions';

describe('Web Push sending half', () => {
  let ts: TestServer;
  let receiver: PushReceiver;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };
  let door: string;
  let publicKey: string;

  beforeAll(async () => {
    receiver = await PushReceiver.start();
    ts = await startTestServer(
      { push: { allowPrivateEndpoints: true, vapidSubject: 'mailto:ops@example.com' } },
      { pushAgent: receiver.agent },
    );
    alice = await ts.mintWithId('viewer', { label: 'Alice' });
    bob = await ts.mintWithId('viewer', { label: 'Bob' });
    door = (await ts.mintWithId('camera', { label: 'Front door' })).id;
    publicKey = (
      await api<{ publicKey: string }>(ts.url, 'GET', '/api/v1/notifications/public-key', {
        token: alice.token,
      })
    ).body.publicKey;
  });
  afterAll(async () => {
    await ts?.close();
    await receiver?.close();
  });

  const call = (o: Partial<DoorbellCall> = {}): DoorbellCall => ({
    callId: randomUUID(),
    siteId: ts.siteId,
    doorId: door,
    doorName: 'Front door',
    startedAt: Date.now(),
    ringWindowMs: 30_000,
    ...o,
  });

  async function subscribe(
    token: string,
    b: FakeBrowser,
    extra: Record<string, unknown> = {},
  ): Promise<PushDevice> {
    const res = await api<PushDevice>(ts.url, 'POST', SUBS, {
      token,
      body: { subscription: b.subscription, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  const payloads = (b: FakeBrowser): PushPayload[] =>
    receiver.for(b.id).map((m) => PushPayloadSchema.parse(m.json));

  it('a ring arrives encrypted, VAPID-signed, with urgency high, TTL = ring window and Topic = call id', async () => {
    const phone = receiver.browser();
    const laptop = receiver.browser();
    await subscribe(alice.token, phone, { label: 'Pixel' });
    await subscribe(alice.token, laptop);
    const c = call();
    const report = await ts.server.notify.doorbell.ring(c, [alice.id]);
    expect(report.sent.map((s) => s.outcome.kind)).toStrictEqual(['delivered', 'delivered']);
    await receiver.waitFor(
      () => receiver.for(phone.id).length === 1 && receiver.for(laptop.id).length === 1,
    );
    expect(receiver.errors).toStrictEqual([]);
    const [m] = receiver.for(phone.id);
    expect(m!.urgency).toBe('high');
    expect(m!.ttl).toBeGreaterThanOrEqual(29);
    expect(m!.ttl).toBeLessThanOrEqual(30);
    expect(m!.topic).toBe(c.callId.replaceAll('-', ''));
    expect(m!.topic!.length).toBeLessThanOrEqual(32);
    expect(m!.vapid.publicKey).toBe(publicKey);
    expect(m!.vapid.sub).toBe('mailto:ops@example.com');
    expect(m!.vapid.aud).toBe(receiver.origin);
    expect(m!.vapid.exp * 1000 - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    const p = payloads(phone)[0]!;
    expect(p).toMatchObject({
      type: 'ring',
      callId: c.callId,
      siteId: c.siteId,
      doorId: door,
      tag: c.callId,
      url: `/calls/${c.callId}`,
      actions: ['answer', 'decline'],
      renotify: true,
      requireInteraction: true,
    });
    expect(p.title).toContain('Front door');
    expect(p.actionToken).toBeTruthy();
    // Each browser decrypts with its own key: the laptop got the same call.
    expect(payloads(laptop)[0]!.tag).toBe(c.callId);

    // Its Decline token declines this call for Alice only, without an access token.
    const declined: string[] = [];
    ts.server.notify.api.connectCalls({
      decline: async (callId, accountId) => void declined.push(`${callId}/${accountId}`),
    });
    const ok = await api(ts.url, 'POST', '/api/v1/notifications/actions', {
      body: { token: p.actionToken, action: 'decline' },
    });
    expect(ok.status).toBe(204);
    expect(declined).toStrictEqual([`${c.callId}/${alice.id}`]);
    const forged = await api(ts.url, 'POST', '/api/v1/notifications/actions', {
      body: { token: p.actionToken!.slice(0, -2) + 'AA', action: 'decline' },
    });
    expect(forged.status).toBe(401);
    expect(declined).toHaveLength(1);

    // The snapshot follows on the same tag, alerting again, with a signed URL (never bytes).
    const image = `/media/${'t'.repeat(300)}/snapshot.jpg`;
    await ts.server.notify.doorbell.ringSnapshot(c, [alice.id], image);
    await receiver.waitFor(() => receiver.for(phone.id).length === 2);
    expect(payloads(phone)[1]).toMatchObject({
      type: 'ring-snapshot',
      tag: c.callId,
      image,
      renotify: true,
      actions: ['answer', 'decline'],
    });
    expect(receiver.for(phone.id)[1]!.topic).toBe(m!.topic);

    // Answered elsewhere: a visible replacement on the same tag, no buttons.
    await ts.server.notify.doorbell.answeredElsewhere(c, [alice.id], {
      accountId: bob.id,
      name: 'Bob',
      deviceLabel: 'iPad',
    });
    await receiver.waitFor(() => receiver.for(phone.id).length === 3);
    const answered = payloads(phone)[2]!;
    expect(answered).toMatchObject({ type: 'answered', tag: c.callId, actions: [] });
    expect(answered.body).toBe('Answered by Bob on iPad');
    expect(answered.title.length).toBeGreaterThan(0);
    expect(receiver.for(phone.id)[2]!.urgency).toBe('high');

    await ts.server.notify.doorbell.missed(call(), [alice.id]);
    await receiver.waitFor(() => receiver.for(phone.id).length === 4);
    expect(payloads(phone)[3]).toMatchObject({ type: 'missed', actions: [] });
    expect(receiver.errors).toStrictEqual([]);

    // Delivery bookkeeping is visible in the list.
    const list = await api<PushDevice[]>(ts.url, 'GET', SUBS, { token: alice.token });
    const pixel = list.body.find((d) => d.label === 'Pixel')!;
    expect(pixel.lastSuccessAt).toBeGreaterThan(0);
    expect(pixel.pushService).toBe(receiver.origin);
    expect(JSON.stringify(list.body)).not.toContain(phone.subscription.keys.auth);
  });

  it('a ring past its window is not sent; a huge door name still fits under 4 KB', async () => {
    const person = await ts.mintWithId('viewer');
    const b = receiver.browser();
    await subscribe(person.token, b);
    const stale = await ts.server.notify.doorbell.ring(call({ startedAt: Date.now() - 60_000 }), [
      person.id,
    ]);
    expect(stale.sent).toStrictEqual([]);

    const huge = call({ doorName: '🚪 Front door '.repeat(800) });
    const report = await ts.server.notify.doorbell.ringSnapshot(
      huge,
      [person.id],
      `/media/${'x'.repeat(1800)}/s.jpg`,
    );
    expect(report.sent[0]!.outcome.kind).toBe('delivered');
    await receiver.waitFor(() => receiver.for(b.id).length === 1);
    const m = receiver.for(b.id)[0]!;
    expect(m.bodyBytes).toBeLessThanOrEqual(4096);
    const p = PushPayloadSchema.parse(m.json);
    expect(p.title.startsWith('Someone is at 🚪 Front door')).toBe(true);
    expect(p.title.endsWith('…')).toBe(true);
    expect(p).toMatchObject({
      callId: huge.callId,
      tag: huge.callId,
      actions: ['answer', 'decline'],
    });
    expect(p.image).toContain('x'.repeat(1800));
  });

  it('404 and 410 remove the subscription', async () => {
    const person = await ts.mintWithId('viewer');
    const gone404 = receiver.browser(404);
    const gone410 = receiver.browser(410);
    const alive = receiver.browser();
    for (const b of [gone404, gone410, alive]) await subscribe(person.token, b);
    const deliveries = async (outcome: string): Promise<number> => {
      const text = await (await fetch(`${ts.url}/metrics`)).text();
      const line = new RegExp(
        `^porchlight_push_deliveries_total\\{outcome="${outcome}"\\} (\\d+)$`,
        'm',
      );
      return Number(line.exec(text)?.[1]);
    };
    const before = { delivered: await deliveries('delivered'), gone: await deliveries('gone') };
    const report = await ts.server.notify.doorbell.ring(call(), [person.id]);
    // /metrics counts each outcome.
    expect((await deliveries('delivered')) - before.delivered).toBe(1);
    expect((await deliveries('gone')) - before.gone).toBe(2);
    expect(report.sent.map((s) => s.outcome.kind).sort()).toStrictEqual([
      'delivered',
      'gone',
      'gone',
    ]);
    const list = await api<PushDevice[]>(ts.url, 'GET', SUBS, { token: person.token });
    expect(list.body).toHaveLength(1);
    // A second ring reaches only the live browser.
    await ts.server.notify.doorbell.ring(call(), [person.id]);
    expect(receiver.for(gone410.id)).toHaveLength(1);
    expect(receiver.for(alive.id)).toHaveLength(2);
  });

  it('a door not chosen and quiet hours skip a device; the others still ring', async () => {
    const person = await ts.mintWithId('viewer');
    const otherDoor = (await ts.mintWithId('camera', { label: 'Back door' })).id;
    const onlyBack = receiver.browser();
    const quiet = receiver.browser();
    const everything = receiver.browser();
    await subscribe(person.token, onlyBack, {
      settings: { devices: [{ siteId: ts.siteId, deviceId: otherDoor }], quietHours: null },
    });
    const now = new Date();
    const hh = (h: number): string => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    await subscribe(person.token, quiet, {
      settings: {
        devices: null,
        quietHours: {
          start: hh(now.getUTCHours() - 1),
          end: hh(now.getUTCHours() + 2),
          timeZone: 'UTC',
        },
      },
    });
    await subscribe(person.token, everything);
    const report = await ts.server.notify.doorbell.ring(call(), [person.id]);
    expect(report.sent).toHaveLength(1);
    expect(report.skipped.map((s) => s.reason).sort()).toStrictEqual(['device', 'quiet-hours']);
    await receiver.waitFor(() => receiver.for(everything.id).length === 1);
    expect(receiver.for(onlyBack.id)).toHaveLength(0);
    expect(receiver.for(quiet.id)).toHaveLength(0);
    // The back door does ring the browser that chose it.
    await ts.server.notify.doorbell.ring(call({ doorId: otherDoor }), [person.id]);
    await receiver.waitFor(() => receiver.for(onlyBack.id).length === 1);
  });

  it('send test notification reaches the chosen browser only', async () => {
    const person = await ts.mintWithId('viewer');
    const a = receiver.browser();
    const b = receiver.browser();
    const sa = await subscribe(person.token, a);
    await subscribe(person.token, b);
    const res = await api<{ delivered: boolean; status: number }>(
      ts.url,
      'POST',
      `${SUBS}/${sa.id}/test`,
      {
        token: person.token,
      },
    );
    expect(res.body).toMatchObject({ delivered: true, status: 201 });
    await receiver.waitFor(() => receiver.for(a.id).length === 1);
    expect(payloads(a)[0]).toMatchObject({
      type: 'test',
      url: '/settings/notifications',
      actions: [],
    });
    expect(receiver.for(b.id)).toHaveLength(0);
  });

  it('subscriptions are private to their account; bad input is refused', async () => {
    const owner = await ts.mintWithId('viewer');
    const stranger = await ts.mintWithId('viewer');
    const mine = await subscribe(owner.token, receiver.browser());
    const theirs = await api<PushDevice[]>(ts.url, 'GET', SUBS, { token: stranger.token });
    expect(theirs.body.map((d) => d.id)).not.toContain(mine.id);
    for (const [method, path, body] of [
      ['PATCH', `${SUBS}/${mine.id}`, { label: 'mine now' }],
      ['POST', `${SUBS}/${mine.id}/test`, undefined],
      ['DELETE', `${SUBS}/${mine.id}`, undefined],
    ] as const) {
      const res = await api(ts.url, method, path, {
        token: stranger.token,
        ...(body ? { body } : {}),
      });
      expect(res.status, `${method} ${path} as a stranger`).toBe(404);
      expect((await api(ts.url, method, path, body ? { body } : {})).status).toBe(401);
    }
    expect((await api(ts.url, 'GET', SUBS)).status).toBe(401);
    expect((await api(ts.url, 'GET', '/api/v1/notifications/public-key')).status).toBe(401);
    const device = await ts.mint('camera');
    expect((await api(ts.url, 'GET', SUBS, { token: device })).status).toBe(403);
    // Still the owner's, unchanged.
    const list = await api<PushDevice[]>(ts.url, 'GET', SUBS, { token: owner.token });
    expect(list.body.find((d) => d.id === mine.id)?.label).toBe(mine.label);

    // A stranger's settings cannot name another household's door.
    const otherSite = randomUUID();
    const foreign = await ts.mintWithId('camera', { siteId: otherSite });
    const sneaky = await api(ts.url, 'PATCH', `${SUBS}/${mine.id}`, {
      token: owner.token,
      body: {
        settings: { devices: [{ siteId: otherSite, deviceId: foreign.id }], quietHours: null },
      },
    });
    expect(sneaky.status).toBe(403);

    const b = receiver.browser();
    const bad: [string, unknown][] = [
      [
        'http endpoint',
        { ...b.subscription, endpoint: b.subscription.endpoint.replace('https:', 'http:') },
      ],
      [
        'long endpoint',
        { ...b.subscription, endpoint: `https://push.example.com/${'a'.repeat(2100)}` },
      ],
      [
        'short p256dh',
        {
          ...b.subscription,
          keys: { ...b.subscription.keys, p256dh: b.subscription.keys.p256dh.slice(4) },
        },
      ],
      [
        'long auth',
        {
          ...b.subscription,
          keys: { ...b.subscription.keys, auth: b.subscription.keys.auth + 'AAAA' },
        },
      ],
      [
        'not base64url',
        { ...b.subscription, keys: { ...b.subscription.keys, auth: '!'.repeat(22) } },
      ],
      [
        'compressed key',
        { ...b.subscription, keys: { ...b.subscription.keys, p256dh: 'A'.repeat(87) } },
      ],
    ];
    for (const [what, subscription] of bad) {
      const res = await api(ts.url, 'POST', SUBS, { token: owner.token, body: { subscription } });
      expect(res.status, what).toBe(400);
    }
    const zone = await api(ts.url, 'PATCH', `${SUBS}/${mine.id}`, {
      token: owner.token,
      body: {
        settings: {
          devices: null,
          quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' },
        },
      },
    });
    expect(zone.status).toBe(400);
  });

  it('a 429 backs the push service off: no retry storm', async () => {
    // A push service of its own (its own origin), so the backoff does not touch the others.
    const busy = await PushReceiver.start();
    try {
      const person = await ts.mintWithId('viewer');
      const b = busy.browser(429);
      await subscribe(person.token, b);
      const first = await ts.server.notify.doorbell.ring(call(), [person.id]);
      expect(first.sent[0]!.outcome).toMatchObject({ kind: 'throttled', status: 429 });
      for (let i = 0; i < 5; i++) {
        const again = await ts.server.notify.doorbell.ring(call(), [person.id]);
        expect(again.sent[0]!.outcome.kind).toBe('deferred');
      }
      expect(busy.for(b.id)).toHaveLength(1);
      // The subscription is kept (429 is not "gone").
      expect(
        (await api<PushDevice[]>(ts.url, 'GET', SUBS, { token: person.token })).body,
      ).toHaveLength(1);
    } finally {
      await busy.close();
    }
  });
});
