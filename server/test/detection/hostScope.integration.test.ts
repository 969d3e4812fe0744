/**
 * The detector host's token (docs/detection.md "Detection on the server"): obtained only from
 * the one-time code of a launch, it may watch live, read the settings of and post events for
 * exactly its assigned cameras. Tried against EVERY REST route and the socket requests; dropped
 * when the camera is unassigned. Chromium is a stand-in script here (e2e runs the real one).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/api/routes/index.ts';
import { api } from '../../../tests/support/http.ts';
import {
  connectRaw,
  fakeVp8RtpParameters,
  vp8RtpCapabilities,
  type RawClient,
} from '../../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { fakeChromium, launchCode } from './fakeChromium.ts';

const start = () => ({
  label: 'person',
  startedAt: Date.now(),
  maxScore: 0.7,
  zones: [],
  track: [{ t: Date.now(), box: [0.1, 0.1, 0.2, 0.5], score: 0.7 }],
  detector: { backend: 'wasm', model: 'centernet-512', msPerFrame: 200, where: 'camera' },
});

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('detector host token scope', () => {
  const chromium = fakeChromium();
  let ts: TestServer;
  let owner: string;
  let assigned: { id: string; token: string };
  let other: { id: string; token: string };
  let token: string;
  const sockets: RawClient[] = [];

  beforeAll(async () => {
    ts = await startTestServer({
      detection: { host: { enabled: true, chromiumPath: chromium.path, maxCameras: 4 } },
    });
    owner = await ts.mint('viewer', { siteRole: 'owner' });
    assigned = await ts.mintWithId('camera', { label: 'Slow phone' });
    other = await ts.mintWithId('camera', { label: 'Other' });
    // The camera's page says it cannot detect; with runOn 'auto' (the default) the server takes it.
    await api(ts.url, 'PUT', `/api/v1/devices/${assigned.id}/detection`, {
      token: owner,
      body: { enabled: true },
    });
    const report = await api<{ runsOn: string }>(
      ts.url,
      'PUT',
      `/api/v1/devices/${assigned.id}/detection/capability`,
      { token: assigned.token, body: { canDetect: false, reason: 'too slow', detector: null } },
    );
    expect(report.body.runsOn).toBe('server');
    const launch = await until('a launch', () => chromium.launches()[0]);
    // The page's exchange: the code from the URL fragment, once.
    const opened = await api<{ token: string }>(ts.url, 'POST', '/api/v1/detector-host/session', {
      body: { code: launchCode(launch) },
    });
    expect(opened.status).toBe(200);
    token = opened.body.token;
    const again = await api(ts.url, 'POST', '/api/v1/detector-host/session', {
      body: { code: launchCode(launch) },
    });
    expect(again.status).toBe(401);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await ts?.close();
    fs.rmSync(chromium.dir, { recursive: true, force: true });
  });

  it('nothing secret on the command line outlives the launch', () => {
    const args = chromium.launches()[0]!;
    expect(args.join(' ')).not.toMatch(/pldh_|pld_|plk_/);
    expect(args.at(-1)).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/detector-host\.html#code=/);
    expect(args).toContain('--headless');
  });

  it("the capability report is the camera's own", async () => {
    for (const t of [other.token, owner]) {
      const res = await api(ts.url, 'PUT', `/api/v1/devices/${assigned.id}/detection/capability`, {
        token: t,
        body: { canDetect: true, reason: null, detector: null },
      });
      expect(res.status).toBe(403);
    }
  });

  it('is refused by every REST route but its own and the event routes of its camera', async () => {
    const allowed = new Set(
      routes
        .filter((r) => r.auth === 'detector' || r.detectorHost)
        .map((r) => `${r.method} ${r.path}`),
    );
    let refused = 0;
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (r.auth === 'public') continue;
      const body =
        r.method === 'GET' || r.method === 'DELETE'
          ? undefined
          : key === 'POST /api/v1/devices/:deviceId/events'
            ? start()
            : key === 'PUT /api/v1/detector-host/status'
              ? { cameras: [] }
              : {};
      const path = r.path
        .replace(':siteId', ts.siteId)
        .replace(':deviceId', assigned.id)
        .replace(/:[A-Za-z]+/g, () => randomUUID());
      const res = await api(ts.url, r.method, path, {
        token,
        ...(body !== undefined ? { body } : {}),
      });
      if (allowed.has(key)) {
        expect([401, 403], `${key} -> ${res.status}`).not.toContain(res.status);
        continue;
      }
      expect(res.status, `${key} -> ${JSON.stringify(res.body)}`).toBe(
        r.auth === 'visitor' ? 401 : 403,
      );
      refused++;
    }
    expect(refused).toBeGreaterThan(50);
    // Its three routes, and start/update/snapshot of events and reading settings.
    expect(allowed.size).toBe(7);
  });

  it('posts events as "server" for its camera only, and reads only its settings', async () => {
    const mine = await api<{ eventId: string }>(
      ts.url,
      'POST',
      `/api/v1/devices/${assigned.id}/events`,
      { token, body: start() },
    );
    expect(mine.status).toBe(201);
    const ev = await api<{ detector: { where: string } }>(
      ts.url,
      'GET',
      `/api/v1/events/${mine.body.eventId}`,
      { token: owner },
    );
    // The body said 'camera': where it ran comes from who posted.
    expect(ev.body.detector.where).toBe('server');
    for (const [method, path, body] of [
      ['POST', `/api/v1/devices/${other.id}/events`, start()],
      ['GET', `/api/v1/devices/${other.id}/detection`, undefined],
      ['PUT', `/api/v1/devices/${assigned.id}/detection`, { enabled: false }],
      ['GET', `/api/v1/events/${mine.body.eventId}`, undefined],
    ] as const) {
      const res = await api(ts.url, method, path, { token, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    // Its own routes refuse every other credential.
    for (const t of [owner, assigned.token, undefined]) {
      const res = await api(ts.url, 'GET', '/api/v1/detector-host/assignment', {
        ...(t ? { token: t } : {}),
      });
      expect(res.status).toBe(401);
    }
    const a = await api<{ cameras: { deviceId: string }[] }>(
      ts.url,
      'GET',
      '/api/v1/detector-host/assignment',
      { token },
    );
    expect(a.body.cameras.map((c) => c.deviceId)).toEqual([assigned.id]);
  });

  it('on the socket: consumes its camera only, publishes nothing; unassigned, it is cut off', async () => {
    const publish = async (camToken: string, ssrc: number): Promise<string> => {
      const c = await connectRaw(ts.url, camToken);
      sockets.push(c);
      expect((await c.request('join', {})).ok).toBe(true);
      const t = await c.request<{ id: string }>('createTransport', { direction: 'send' });
      if (!t.ok) throw new Error(t.error.message);
      const p = await c.request<{ producerId: string }>('produce', {
        transportId: t.data.id,
        kind: 'video',
        source: 'camera',
        rtpParameters: fakeVp8RtpParameters(ssrc),
      });
      if (!p.ok) throw new Error(p.error.message);
      return p.data.producerId;
    };
    const mine = await publish(assigned.token, 5151);
    const theirs = await publish(other.token, 5252);
    const siteB = randomUUID();
    await ts.ensureSite(siteB);

    const host = await connectRaw(ts.url, token);
    sockets.push(host);
    const elsewhere = await host.request('join', { siteId: siteB });
    expect(elsewhere.ok === false && elsewhere.error.code).toBe('FORBIDDEN');
    const joined = await host.request<{ producers: { producerId: string }[] }>('join', {
      siteId: ts.siteId,
    });
    if (!joined.ok) throw new Error(joined.error.message);
    // Only its camera is announced to it.
    expect(joined.data.producers.map((p) => p.producerId)).toEqual([mine]);
    const recv = await host.request<{ id: string }>('createTransport', { direction: 'recv' });
    const send = await host.request<{ id: string }>('createTransport', { direction: 'send' });
    if (!recv.ok || !send.ok) throw new Error('transports');
    const consume = (producerId: string) =>
      host.request('consume', {
        transportId: recv.data.id,
        producerId,
        rtpCapabilities: vp8RtpCapabilities,
      });
    expect((await consume(mine)).ok).toBe(true);
    const peek = await consume(theirs);
    expect(peek.ok).toBe(false);
    for (const source of ['camera', 'talkback'] as const) {
      const res = await host.request('produce', {
        transportId: send.data.id,
        kind: 'video',
        source,
        rtpParameters: fakeVp8RtpParameters(77),
      });
      expect(res.ok, source).toBe(false);
    }

    // The owner takes detection back to the camera: no camera left, the launch ends, its token
    // and socket with it.
    const disconnected = new Promise<void>((r) => host.socket.once('disconnect', () => r()));
    const back = await api<{ runsOn: string }>(
      ts.url,
      'PUT',
      `/api/v1/devices/${assigned.id}/detection`,
      { token: owner, body: { enabled: true, runOn: 'camera' } },
    );
    expect(back.body.runsOn).toBe('camera');
    await disconnected;
    const after = await api(ts.url, 'GET', '/api/v1/detector-host/assignment', { token });
    expect(after.status).toBe(401);
    expect(ts.server.detection.hosting!.host!.pid).toBeNull();
  });
});
