/**
 * Person-detection events end to end on a real server: a real camera publishing (recorded in
 * event mode), the camera's page posting through the SDK, the owner's app on a socket, Web Push to
 * a local push service, and the recording, list filters and retention that follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PushPayloadSchema,
  type EventView,
  type NotificationMap,
  type PushPayload,
} from '@porchlight/protocol';
import { PorchlightClient } from '@porchlight/sdk';
import { api } from '../../../tests/support/http.ts';
import { PushReceiver, type FakeBrowser } from '../../../tests/support/pushReceiver.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { cameraSent, fragments, ringMs, startCamera, until } from '../recording/support.ts';
import { apiAs, startOf, TINY_JPEG } from './world.ts';

type Detection = NotificationMap['detection'];

describe('detection events', () => {
  let ts: TestServer;
  let receiver: PushReceiver;
  let owner: { token: string; id: string };
  let guest: { token: string; id: string };
  let cam: Awaited<ReturnType<typeof startCamera>> | undefined;
  const apps: PorchlightClient[] = [];

  beforeAll(async () => {
    receiver = await PushReceiver.start();
    ts = await startTestServer(
      {
        recording: { defaultMode: 'event' },
        // The product's default (test servers turn it off to spare camera pages the detector).
        detection: { enabledByDefault: true },
        push: { allowPrivateEndpoints: true, vapidSubject: 'mailto:ops@example.com' },
      },
      { pushAgent: receiver.agent },
    );
    owner = await ts.mintWithId('viewer', { siteRole: 'owner', label: 'Olivia' });
    guest = await ts.mintWithId('viewer', { siteRole: 'guest', label: 'Gus' });
  });
  afterAll(async () => {
    for (const a of apps) a.close();
    cam?.stop();
    await ts?.close();
    await receiver?.close();
  });

  /** An app open on the site, collecting the `detection` notifications the SDK hands over. */
  async function openApp(token: string): Promise<Detection[]> {
    const app = new PorchlightClient({
      url: ts.url,
      token,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    apps.push(app);
    const got: Detection[] = [];
    app.on('detection', (n) => got.push(n));
    await app.connect();
    return got;
  }

  async function subscribe(token: string, b: FakeBrowser, extra: Record<string, unknown> = {}) {
    const res = await api(ts.url, 'POST', '/api/v1/notifications/subscriptions', {
      token,
      body: { subscription: b.subscription, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  const payloads = (b: FakeBrowser): PushPayload[] =>
    receiver.for(b.id).map((m) => PushPayloadSchema.parse(m.json));

  it('a camera posts an event: recorded from before it, apps and phones told, snapshot pushed second, ended', async () => {
    cam = await startCamera(ts, { label: 'Porch' });
    const { deviceId } = cam;
    const service = ts.server.recording.service;
    const stream = await until('the stream', () => service.streamOf(deviceId));
    await until('6 s of pre-roll', () => ringMs(stream) >= 6_000 || undefined);

    const ownerApp = await openApp(owner.token);
    const guestApp = await openApp(guest.token);
    const phone = receiver.browser();
    await subscribe(owner.token, phone, { label: 'Pixel' });
    // A second browser of the owner whose quiet hours are now: it stays silent.
    const hour = new Date().getUTCHours();
    const pad = (h: number) => String(h).padStart(2, '0');
    const tablet = receiver.browser();
    await subscribe(owner.token, tablet, {
      settings: {
        devices: null,
        quietHours: {
          start: `${pad((hour + 23) % 24)}:00`,
          end: `${pad((hour + 2) % 24)}:00`,
          timeZone: 'UTC',
        },
      },
    });

    // A third that wants another camera only: silent too.
    const garage = await ts.mintWithId('camera', { label: 'Garage' });
    const laptop = receiver.browser();
    await subscribe(owner.token, laptop, {
      settings: { devices: [{ siteId: ts.siteId, deviceId: garage.id }], quietHours: null },
    });

    // The camera's page (device token) reports through the SDK.
    const camera = apiAs(ts, cam.token);
    const startedAt = Date.now();
    const { eventId } = await camera.startEvent(deviceId, startOf(startedAt));

    const started = await until('the app hears of it', () =>
      ownerApp.find((n) => n.kind === 'started' && n.event.id === eventId),
    );
    expect(started.event).toMatchObject<Partial<EventView>>({
      deviceId,
      siteId: ts.siteId,
      deviceName: 'Porch',
      label: 'person',
      startedAt,
      endedAt: null,
      zones: ['Driveway'],
      snapshotUrl: null,
      // The camera's pre-roll is the recording default: 6 s.
      playFrom: startedAt - 6_000,
    });

    // Web Push: the text at once.
    await receiver.waitFor(() => receiver.for(phone.id).length === 1);
    expect(payloads(phone)[0]).toMatchObject({
      type: 'detection',
      deviceId,
      eventId,
      tag: `detection-${eventId}`,
      url: `/events?event=${eventId}`,
    });
    expect(payloads(phone)[0]!.title).toContain('Porch');
    expect(payloads(phone)[0]!.image).toBeUndefined();

    // The best snapshot: a second push with the image, on the same tag.
    const { snapshotUrl } = await camera.putEventSnapshot(deviceId, eventId, TINY_JPEG);
    expect(snapshotUrl).toMatch(
      new RegExp(`^${ts.url}/detection/snapshots/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`),
    );
    const img = await fetch(snapshotUrl);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await img.arrayBuffer()).equals(TINY_JPEG)).toBe(true);
    await receiver.waitFor(() => receiver.for(phone.id).length === 2);
    expect(payloads(phone)[1]).toMatchObject({
      type: 'detection-snapshot',
      eventId,
      tag: `detection-${eventId}`,
    });
    expect(payloads(phone)[1]!.image).toMatch(/\/detection\/snapshots\//);
    await until('the app sees the snapshot', () =>
      ownerApp.find((n) => n.kind === 'updated' && n.event.snapshotUrl !== null),
    );

    // More of the track, another zone.
    const more = Date.now();
    const updated = await camera.updateEvent(deviceId, eventId, {
      track: [{ t: more, box: [0.45, 0.32, 0.1, 0.4], score: 0.81 }],
      maxScore: 0.81,
      zones: ['Porch steps'],
    });
    expect(updated.maxScore).toBe(0.81);
    expect(updated.zones).toStrictEqual(['Driveway', 'Porch steps']);

    // The recording holds at least 5 s before the event and keeps going while it is open.
    const persisted = await until('recorded past the event start', async () => {
      const f = await fragments(ts, owner.token, ts.siteId, deviceId);
      const last = f[f.length - 1];
      return last && last.producerTime + last.durationMs >= startedAt + 3_000 ? f : undefined;
    });
    expect(persisted[0]!.producerTime).toBeLessThanOrEqual(startedAt - 5_000);
    expect(persisted.every((s) => s.tags.includes('person'))).toBe(true);

    const endedAt = Date.now();
    const ended = await camera.updateEvent(deviceId, eventId, { endedAt });
    expect(ended.endedAt).toBe(endedAt);
    await until('the app hears the end', () =>
      ownerApp.find((n) => n.kind === 'ended' && n.event.id === eventId),
    );
    const detail = await apiAs(ts, owner.token).getEvent(eventId);
    expect(detail.track.map((p) => p.t)).toStrictEqual([startedAt, more]);
    expect(detail.endedAt).toBe(endedAt);
    // An ended event takes no more news.
    await expect(camera.updateEvent(deviceId, eventId, { maxScore: 0.9 })).rejects.toMatchObject({
      status: 409,
    });

    // Nobody without the recording view right was told; the quiet browser stayed silent.
    expect(guestApp).toStrictEqual([]);
    expect(receiver.for(tablet.id)).toStrictEqual([]);
    expect(receiver.for(laptop.id)).toStrictEqual([]);
    expect(receiver.errors).toStrictEqual([]);

    // The access is in the site's audit log.
    const audit = await api<{ action: string }[]>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/audit?limit=20`,
      { token: owner.token },
    );
    expect(audit.body.map((e) => e.action)).toContain('detection.event-view');
  });

  it('a start posted late by a camera whose clock is ahead still has the whole pre-roll before the person appeared', async () => {
    const gate = await startCamera(ts, { label: 'Gate' });
    try {
      const { deviceId } = gate;
      const stream = await until('the stream', () =>
        ts.server.recording.service.streamOf(deviceId),
      );
      // 6 s pre-roll + the ring's 5 s margin (recording.preRollMarginSeconds).
      await until(
        'the ring holds pre-roll and margin',
        () => ringMs(stream) >= 10_000 || undefined,
      );
      // The camera's clock runs 90 s ahead of the server's (allowed: within 10 min).
      const skewMs = 90_000;
      const deviceNow = (): number => Date.now() + skewMs;
      const appeared = Date.now();
      const startedAt = appeared + skewMs;
      // The detector confirms the person, the network is slow: the start arrives 3 s of video later.
      await cameraSent(ts, deviceId, 3_000);
      const camera = apiAs(ts, gate.token);
      const { eventId } = await camera.startEvent(
        deviceId,
        startOf(startedAt, { sentAt: deviceNow() }),
      );
      const persisted = await until('recorded past the appearance', async () => {
        const f = await fragments(ts, owner.token, ts.siteId, deviceId);
        const last = f[f.length - 1];
        return last && last.producerTime + last.durationMs >= appeared + 4_000 ? f : undefined;
      });
      // At least the camera's 6 s pre-roll before the appearance (server clock), without a hole.
      expect(persisted[0]!.producerTime).toBeLessThanOrEqual(appeared - 6_000);
      for (let i = 1; i < persisted.length; i++) {
        const prev = persisted[i - 1]!;
        expect(persisted[i]!.producerTime - (prev.producerTime + prev.durationMs)).toBeLessThan(
          100,
        );
      }
      expect(persisted.every((s) => s.tags.includes('person'))).toBe(true);
      await camera.updateEvent(deviceId, eventId, { endedAt: deviceNow() });
    } finally {
      gate.stop();
    }
  });

  it('settings: owners change them, the camera is told at once, notify off silences its events', async () => {
    const quiet = await ts.mintWithId('camera', { label: 'Shed' });
    const loud = await ts.mintWithId('camera', { label: 'Gate' });
    const camSocket = new PorchlightClient({
      url: ts.url,
      token: quiet.token,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    apps.push(camSocket);
    const told: NotificationMap['detectionSettings'][] = [];
    camSocket.on('detectionSettings', (n) => told.push(n));
    await camSocket.connect();

    const ownerApi = apiAs(ts, owner.token);
    const before = await ownerApi.getDetectionSettings(quiet.id);
    expect(before.settings.enabled).toBe(true);
    expect(before.updatedAt).toBeNull();
    const saved = await ownerApi.putDetectionSettings(quiet.id, { notify: false, minScore: 0.5 });
    expect(saved.settings).toMatchObject({ notify: false, minScore: 0.5, trackScore: 0.45 });
    await until('the camera is told', () => told[0]);
    expect(told[0]!.settings.minScore).toBe(0.5);
    // The camera reads its own settings (not another camera's).
    const own = await apiAs(ts, quiet.token).getDetectionSettings(quiet.id);
    expect(own.settings.notify).toBe(false);
    await expect(apiAs(ts, quiet.token).getDetectionSettings(loud.id)).rejects.toMatchObject({
      status: 403,
    });
    // Members read; they do not change.
    const member = await ts.mint('viewer', { siteRole: 'member' });
    expect((await apiAs(ts, member).getDetectionSettings(quiet.id)).settings.minScore).toBe(0.5);
    await expect(apiAs(ts, member).putDetectionSettings(quiet.id, {})).rejects.toMatchObject({
      status: 403,
    });

    const ownerApp = await openApp(owner.token);
    const now = Date.now();
    const silent = await apiAs(ts, quiet.token).startEvent(quiet.id, startOf(now));
    const heard = await apiAs(ts, loud.token).startEvent(loud.id, startOf(now));
    await until('the loud camera is heard', () =>
      ownerApp.find((n) => n.event.id === heard.eventId),
    );
    expect(ownerApp.some((n) => n.event.id === silent.eventId)).toBe(false);
    // The detector report is kept with the settings, marked as the camera's own (not the server's).
    const report = await ownerApi.getDetectionSettings(quiet.id);
    expect(report.detector).toStrictEqual({
      backend: 'wasm',
      model: 'centernet',
      msPerFrame: 41,
      where: 'camera',
    });
    expect(report.detectorReportedAt).toBeGreaterThan(0);
  });

  it('lists by camera, zone and time, newest first, in pages; only readable cameras', async () => {
    const a = await ts.mintWithId('camera', { label: 'Garden' });
    const b = await ts.mintWithId('camera', { label: 'Garage' });
    const t0 = Date.now() - 120_000;
    const ids: string[] = [];
    for (const [c, at, zone] of [
      [a, t0, 'Lawn'],
      [b, t0 + 10_000, 'Lawn'],
      [a, t0 + 20_000, 'Beds'],
      [b, t0 + 30_000, 'Drive'],
    ] as const) {
      ids.push((await apiAs(ts, c.token).startEvent(c.id, startOf(at, { zones: [zone] }))).eventId);
    }
    const owners = apiAs(ts, owner.token);
    const only = (page: { events: EventView[] }) =>
      page.events.filter((e) => ids.includes(e.id)).map((e) => ids.indexOf(e.id));

    expect(only(await owners.listEvents({ deviceId: a.id }))).toStrictEqual([2, 0]);
    expect(only(await owners.listEvents({ zone: 'Lawn' }))).toStrictEqual([1, 0]);
    expect(
      only(await owners.listEvents({ from: t0 + 5_000, to: t0 + 25_000, siteId: ts.siteId })),
    ).toStrictEqual([2, 1]);
    // Pages of one, following `next`.
    const seen: number[] = [];
    let before: string | undefined;
    for (let i = 0; i < 4; i++) {
      const page = await owners.listEvents({
        from: t0,
        to: t0 + 31_000,
        limit: 1,
        ...(before ? { before } : {}),
      });
      seen.push(...only(page));
      before = page.next ?? undefined;
    }
    expect(seen).toStrictEqual([3, 2, 1, 0]);
    expect(before).toBeUndefined();

    // A guest (live view only) and another site's owner see none of them.
    expect(only(await apiAs(ts, guest.token).listEvents({}))).toStrictEqual([]);
    const stranger = await ts.mint('viewer', { siteId: crypto.randomUUID(), siteRole: 'owner' });
    expect(only(await apiAs(ts, stranger).listEvents({}))).toStrictEqual([]);
    await expect(apiAs(ts, stranger).getEvent(ids[0]!)).rejects.toMatchObject({ status: 403 });
  });

  it('retention: events go with the recording retention job, snapshots too', async () => {
    const c = await ts.mintWithId('camera', { label: 'Alley' });
    const camera = apiAs(ts, c.token);
    const old = await camera.startEvent(c.id, startOf(Date.now() - 5 * 60_000));
    const { snapshotUrl } = await camera.putEventSnapshot(c.id, old.eventId, TINY_JPEG);
    const fresh = await camera.startEvent(c.id, startOf(Date.now()));
    // The camera keeps recordings 2 minutes: its events too.
    const patched = await api(
      ts.url,
      'PATCH',
      `/api/v1/sites/${ts.siteId}/devices/${c.id}/recording`,
      { token: owner.token, body: { retentionMaxAgeSeconds: 120 } },
    );
    expect(patched.status).toBe(200);
    // Twice: the first call may join a pass that began before the new limit.
    await ts.server.recording.service.maintain();
    await ts.server.recording.service.maintain();
    const owners = apiAs(ts, owner.token);
    const left = (await owners.listEvents({ deviceId: c.id })).events.map((e) => e.id);
    expect(left).toStrictEqual([fresh.eventId]);
    await expect(owners.getEvent(old.eventId)).rejects.toMatchObject({ status: 403 });
    expect((await fetch(snapshotUrl)).status).toBe(404);

    // A deleted site takes its cameras' events along (foreign keys); the next pass removes the
    // snapshots they leave behind.
    const siteId = crypto.randomUUID();
    const far = await ts.mintWithId('camera', { siteId, label: 'Cabin' });
    const gone = await apiAs(ts, far.token).startEvent(far.id, startOf(Date.now()));
    const orphan = await apiAs(ts, far.token).putEventSnapshot(far.id, gone.eventId, TINY_JPEG);
    expect((await fetch(orphan.snapshotUrl)).status).toBe(200);
    await ts.server.store.sites.delete(siteId);
    await ts.server.recording.service.maintain();
    await ts.server.recording.service.maintain();
    expect((await fetch(orphan.snapshotUrl)).status).toBe(404);
    expect(await ts.server.detection.snapshots.storedIds()).not.toContain(gone.eventId);
  });
});
