/**
 * Hostile posts to the detection routes: another camera's id, another site's camera, people
 * without the right, bad schemas, oversized or fake snapshots, floods. Each is refused with the
 * status a client can act on, and nothing of it is stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECTION_LIMITS } from '@porchlight/protocol';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { startOf, TINY_JPEG } from './world.ts';

type ErrorBody = { error?: { code?: string; message?: string } };

describe('detection routes under abuse', () => {
  let ts: TestServer;
  let camA: { token: string; id: string };
  let camA2: { token: string; id: string };
  let camB: { token: string; id: string };
  let owner: string;

  beforeAll(async () => {
    ts = await startTestServer();
    camA = await ts.mintWithId('camera', { label: 'Front' });
    camA2 = await ts.mintWithId('camera', { label: 'Back' });
    camB = await ts.mintWithId('camera', { siteId: randomUUID(), label: 'Elsewhere' });
    owner = await ts.mint('viewer', { siteRole: 'owner' });
  });
  afterAll(async () => {
    await ts?.close();
  });

  const post = (token: string, deviceId: string, body: unknown) =>
    api<ErrorBody>(ts.url, 'POST', `/api/v1/devices/${deviceId}/events`, { token, body });
  const putJpeg = (token: string, deviceId: string, eventId: string, bytes: Uint8Array) =>
    api<ErrorBody>(ts.url, 'PUT', `/api/v1/devices/${deviceId}/events/${eventId}/snapshot`, {
      token,
      rawBody: new Uint8Array(bytes),
      contentType: 'image/jpeg',
    });
  /** Every event stored for these cameras, straight from the store. */
  const stored = (...deviceIds: string[]) =>
    ts.server.detection.repo.listEvents({ deviceIds, limit: 1000 });
  const snapshotFiles = (): string[] => {
    const dir = path.join(ts.server.config.dataDir, 'detection', 'snapshots');
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };

  it('a camera posts for its own id only; people without the right cannot post', async () => {
    const event = startOf(Date.now());
    // Another camera of the same site, a camera of another site, an unknown id.
    for (const target of [camA2.id, camB.id, randomUUID()]) {
      const res = await post(camA.token, target, event);
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.error?.code).toBe('FORBIDDEN');
    }
    // A member (watches, does not report) and a guest.
    for (const role of ['member', 'guest'] as const) {
      const viewer = await ts.mint('viewer', { siteRole: role });
      expect((await post(viewer, camA.id, event)).status).toBe(403);
    }
    // Without credentials: 401 before anything else.
    expect(
      (await api(ts.url, 'POST', `/api/v1/devices/${camA.id}/events`, { body: event })).status,
    ).toBe(401);
    expect(await stored(camA.id, camA2.id, camB.id)).toStrictEqual([]);
    // The refusals are in the site's audit log.
    const audit = await api<{ action: string; outcome: string; actorId: string | null }[]>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/audit?limit=50`,
      { token: owner },
    );
    expect(
      audit.body.some(
        (e) => e.action === 'recording:trigger' && e.outcome === 'denied' && e.actorId === camA.id,
      ),
    ).toBe(true);
  });

  it('schema violations are 400 with the field named, and store nothing', async () => {
    const now = Date.now();
    const good = startOf(now);
    const bad: [string, unknown][] = [
      ['label', { ...good, label: 'cat' }],
      [
        'track',
        {
          ...good,
          track: Array.from({ length: DETECTION_LIMITS.trackPoints + 1 }, () => good.track[0]),
        },
      ],
      ['track.0.box', { ...good, track: [{ t: now, box: [0.9, 0.9, 0.5, 0.5], score: 0.5 }] }],
      ['maxScore', { ...good, maxScore: 1.5 }],
      ['zones.0', { ...good, zones: ['bad\u0007zone'] }],
      ['detector.backend', { ...good, detector: { ...good.detector, backend: 'gpu-of-doom' } }],
      ['(extra field)', { ...good, admin: true }],
      ['startedAt', { ...good, startedAt: now - 86_400_000, track: [] }],
    ];
    for (const [what, body] of bad) {
      const res = await post(camA.token, camA.id, body);
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error?.code).toBe('BAD_REQUEST');
      expect(res.body.error?.message, what).toMatch(/^body/);
    }
    // A JSON body too big for the route.
    const huge = await api(ts.url, 'POST', `/api/v1/devices/${camA.id}/events`, {
      token: camA.token,
      rawBody: JSON.stringify({
        ...good,
        detector: { ...good.detector, model: 'x'.repeat(100_000) },
      }),
    });
    expect(huge.status).toBe(413);
    expect(await stored(camA.id)).toStrictEqual([]);
  });

  it('snapshots: oversized is 413, not a JPEG is 400, another camera event is 404; nothing kept', async () => {
    const made = await post(camA.token, camA.id, startOf(Date.now()));
    expect(made.status).toBe(201);
    const eventId = (made.body as { eventId: string }).eventId;

    const oversized = Buffer.alloc(DETECTION_LIMITS.snapshotBytes + 1, 0);
    oversized.set([0xff, 0xd8, 0xff, 0xe0]);
    oversized.set([0xff, 0xd9], oversized.length - 2);
    const tooBig = await putJpeg(camA.token, camA.id, eventId, oversized);
    expect(tooBig.status).toBe(413);

    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const notJpeg = await putJpeg(camA.token, camA.id, eventId, png);
    expect(notJpeg.status).toBe(400);
    expect((notJpeg.body as ErrorBody).error?.message).toMatch(/not a JPEG/);

    // JSON where bytes are expected.
    const json = await api<ErrorBody>(
      ts.url,
      'PUT',
      `/api/v1/devices/${camA.id}/events/${eventId}/snapshot`,
      { token: camA.token, body: { jpeg: TINY_JPEG.toString('base64') } },
    );
    expect(json.status).toBe(400);

    // Camera A2 may post for itself, but A's event is not one of its own.
    expect((await putJpeg(camA2.token, camA2.id, eventId, TINY_JPEG)).status).toBe(404);
    const patch = await api(ts.url, 'PATCH', `/api/v1/devices/${camA2.id}/events/${eventId}`, {
      token: camA2.token,
      body: { endedAt: Date.now() },
    });
    expect(patch.status).toBe(404);

    const [row] = await stored(camA.id);
    expect(row?.snapshotRef).toBeNull();
    expect(row?.endedAt).toBeNull();
    expect(snapshotFiles()).toStrictEqual([]);
  });

  it('a flood of events from one camera is 429 with Retry-After; what is over the limit is not stored', async () => {
    const flood = await ts.mintWithId('camera', { label: 'Flood' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 25; i++) {
      const res = await post(flood.token, flood.id, startOf(Date.now()));
      statuses.push(res.status);
      if (res.status === 429) retryAfter ??= res.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.slice(20)).toStrictEqual([429, 429, 429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(await stored(flood.id)).toHaveLength(20);
    // Other cameras are not held back by it.
    expect((await post(camA2.token, camA2.id, startOf(Date.now()))).status).toBe(201);
  });
});
