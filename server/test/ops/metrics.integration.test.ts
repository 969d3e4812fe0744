import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PorchlightClient } from '@porchlight/sdk';
import { api } from '../../../tests/support/http.ts';
import {
  parsePrometheus,
  sampleSum,
  sampleValue,
  type PromExposition,
} from '../../../tests/support/prometheus.ts';
import { connectRaw } from '../../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import {
  frameCounter,
  installWrtcGlobals,
  syntheticCamera,
  YUV,
} from '../../../tests/support/wrtc.ts';

installWrtcGlobals();

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    if (process.env['DEBUG_METRICS_TEST']) console.log('waiting for', what);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function scrape(ts: TestServer): Promise<PromExposition> {
  const res = await fetch(`${ts.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

function client(ts: TestServer, token: string): PorchlightClient {
  return new PorchlightClient({
    url: ts.url,
    token,
    device: { handlerName: 'Chrome111' },
    socketOptions: { rejectUnauthorized: false },
  });
}

/** Objects as the mediasoup workers themselves list them (router dumps): the ground truth. */
async function mediasoupCounts(
  ts: TestServer,
): Promise<{ routers: number; transports: number; producers: number; consumers: number }> {
  const out = { routers: 0, transports: 0, producers: 0, consumers: 0 };
  for (const room of ts.server.rooms.rooms.values()) {
    const dump = await room.router.dump();
    out.routers++;
    out.transports += dump.transportIds.length;
    out.producers += dump.mapProducerIdConsumerIds.length;
    out.consumers += dump.mapConsumerIdProducerId.length;
  }
  return out;
}

/** A bounded label set: no family has more series than this in a test server. */
const MAX_SERIES_PER_FAMILY = 60;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function expectBoundedLabels(exposition: PromExposition): void {
  const perFamily = new Map<string, number>();
  for (const s of exposition.samples) {
    expect(s.name.startsWith('porchlight_'), s.name).toBe(true);
    perFamily.set(s.name, (perFamily.get(s.name) ?? 0) + 1);
    for (const [key, value] of Object.entries(s.labels)) {
      // Site ids are the one id label (sites are bounded by configuration); no peer, socket,
      // producer, token or device id ever becomes a label.
      if (key !== 'site') expect(UUID.test(value), `${s.name}{${key}="${value}"}`).toBe(false);
    }
  }
  for (const [name, n] of perFamily) expect(n, name).toBeLessThanOrEqual(MAX_SERIES_PER_FAMILY);
}

describe('/metrics during a live call (real server, mediasoup, wrtc camera and viewer)', () => {
  let ts: TestServer;
  const cleanup: (() => void)[] = [];

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
  });
  afterAll(async () => {
    for (const c of cleanup.reverse()) c();
    await ts?.close();
  });

  it('counts move as the call goes: sockets, messages, producers, consumers, bytes, recordings', async () => {
    const before = await scrape(ts);
    expect(before.types.get('porchlight_mediasoup_rtp_bytes_total')).toBe('counter');
    expect(before.types.get('porchlight_signaling_sockets')).toBe('gauge');
    expect(sampleValue(before, 'porchlight_signaling_sockets')).toBe(0);
    expect(sampleValue(before, 'porchlight_mediasoup_workers')).toBe(1);
    // prom-client's process collectors, under our prefix.
    expect(sampleValue(before, 'porchlight_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(before.types.get('porchlight_nodejs_eventloop_lag_seconds')).toBe('gauge');

    const cam = client(ts, await ts.mint('camera', { label: 'Porch' }));
    cleanup.push(() => cam.close());
    await cam.connect();
    const source = syntheticCamera(320, 240, YUV.red, 15);
    cleanup.push(source.stop);
    await cam.publish(source.track, { source: 'camera', simulcast: false });
    const viewer = client(ts, await ts.mint('viewer'));
    cleanup.push(() => viewer.close());
    await viewer.connect();
    const info = await until('the camera to be announced', async () =>
      viewer.producers.find((p) => p.source === 'camera'),
    );
    const sub = await viewer.watch(info.producerId);
    const frames = frameCounter(sub.track!);
    cleanup.push(frames.stop);
    await until('decoded frames', async () => (frames.state.frames >= 10 ? true : undefined));

    // Bytes in and out grow from one poll to the next while media flows.
    const first = await until('RTP bytes counted', async () => {
      const e = await scrape(ts);
      const bytesOut = sampleValue(e, 'porchlight_mediasoup_rtp_bytes_total', { direction: 'out' });
      return bytesOut > 0 ? e : undefined;
    });
    const bytesIn1 = sampleValue(first, 'porchlight_mediasoup_rtp_bytes_total', {
      direction: 'in',
    });
    const bytesOut1 = sampleValue(first, 'porchlight_mediasoup_rtp_bytes_total', {
      direction: 'out',
    });
    expect(bytesIn1).toBeGreaterThan(0);
    const later = await until('RTP bytes to grow', async () => {
      const e = await scrape(ts);
      const grew =
        sampleValue(e, 'porchlight_mediasoup_rtp_bytes_total', { direction: 'in' }) > bytesIn1 &&
        sampleValue(e, 'porchlight_mediasoup_rtp_bytes_total', { direction: 'out' }) > bytesOut1;
      return grew ? e : undefined;
    });
    expect(
      sampleValue(later, 'porchlight_mediasoup_rtp_packets_total', { direction: 'in' }),
    ).toBeGreaterThan(
      sampleValue(first, 'porchlight_mediasoup_rtp_packets_total', { direction: 'in' }) - 1,
    );
    // The worker's CPU is read from getResourceUsage.
    expect(
      sampleValue(later, 'porchlight_mediasoup_worker_cpu_seconds_total', { worker: '0' }),
    ).toBeGreaterThan(0);

    // Object counts match what mediasoup itself lists (the recorder's consumers included).
    const truth = await until('counts to settle', async () => {
      const t = await mediasoupCounts(ts);
      const e = await scrape(ts);
      const same =
        sampleSum(e, 'porchlight_mediasoup_producers') === t.producers &&
        sampleSum(e, 'porchlight_mediasoup_consumers') === t.consumers &&
        sampleSum(e, 'porchlight_mediasoup_transports') === t.transports &&
        sampleValue(e, 'porchlight_mediasoup_routers') === t.routers;
      return same ? t : undefined;
    });
    expect(truth.producers).toBe(1);
    expect(truth.routers).toBe(1);
    const now = await scrape(ts);
    expect(sampleValue(now, 'porchlight_mediasoup_producers', { kind: 'video' })).toBe(1);
    expect(
      sampleValue(now, 'porchlight_mediasoup_consumers', { kind: 'video' }),
    ).toBeGreaterThanOrEqual(1);

    // Signaling: two sockets; join, produce, consume were counted.
    expect(sampleValue(now, 'porchlight_signaling_sockets')).toBe(2);
    expect(sampleValue(now, 'porchlight_signaling_connections_total')).toBe(2);
    const count = (e: PromExposition, type: string): number =>
      sampleValue(e, 'porchlight_signaling_messages_total', { type });
    expect(count(now, 'join') - count(before, 'join')).toBe(2);
    expect(count(now, 'produce')).toBeGreaterThanOrEqual(1);
    expect(count(now, 'consume')).toBeGreaterThanOrEqual(1);

    // A refused request is counted by its error code, an unknown event as "unknown".
    const raw = await connectRaw(ts.url, await ts.mint('viewer'));
    cleanup.push(() => raw.close());
    const errors = (e: PromExposition, code: string): number =>
      sampleValue(e, 'porchlight_signaling_errors_total', { code });
    expect((await raw.request('consume', { producerId: 'x' })).ok).toBe(false);
    expect((await raw.request('no-such-event', {})).ok).toBe(false);
    const afterErrors = await scrape(ts);
    expect(errors(afterErrors, 'BAD_REQUEST') - errors(now, 'BAD_REQUEST')).toBe(1);
    expect(errors(afterErrors, 'UNKNOWN_EVENT') - errors(now, 'UNKNOWN_EVENT')).toBe(1);
    expect(count(afterErrors, 'unknown') - count(now, 'unknown')).toBe(1);
    expect(sampleValue(afterErrors, 'porchlight_signaling_sockets')).toBe(3);

    // The camera is recorded: a recorder runs, segments are written and their bytes counted.
    const recorded = await until(
      'a recorded segment',
      async () => {
        const e = await scrape(ts);
        return sampleValue(e, 'porchlight_recording_segments_total') >= 1 ? e : undefined;
      },
      60_000,
    );
    expect(sampleValue(recorded, 'porchlight_recording_active_recorders')).toBeGreaterThanOrEqual(
      1,
    );
    expect(sampleValue(recorded, 'porchlight_recording_written_bytes_total')).toBeGreaterThan(0);
    expect(
      sampleValue(recorded, 'porchlight_recording_persist_lag_seconds_count'),
    ).toBeGreaterThanOrEqual(1);
    const stored = await until(
      'stored bytes of the site',
      async () => {
        const e = await scrape(ts);
        const v = sampleValue(e, 'porchlight_storage_stored_bytes', { site: ts.siteId });
        return v > 0 ? v : undefined;
      },
      45_000,
    );
    expect(stored).toBeGreaterThan(0);
    expect(sampleValue(recorded, 'porchlight_storage_free_bytes')).toBeGreaterThan(0);
    expect(sampleValue(recorded, 'porchlight_recording_failures_total', { reason: 'write' })).toBe(
      0,
    );

    // HLS: an on-demand playlist and one of its segments, counted by kind with their exact bytes.
    const owner = await ts.mint('viewer');
    const devices = await ts.server.store.devices.list(ts.siteId);
    const cameraId = devices.find((d) => d.name === 'Porch')!.id;
    const playback = await api<{ vod: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${ts.siteId}/devices/${cameraId}/recording/playback`,
      { token: owner, body: { from: Date.now() - 600_000, to: Date.now() + 60_000 } },
    );
    expect(playback.status).toBe(200);
    const hlsBefore = await scrape(ts);
    const vodUrl = new URL(playback.body.vod, ts.url);
    const playlist = await (await fetch(vodUrl)).text();
    const segPath = playlist.split('\n').find((l) => /seg\/\d+\.m4s/.test(l))!;
    const segment = Buffer.from(await (await fetch(new URL(segPath, vodUrl))).arrayBuffer());
    expect(segment.length).toBeGreaterThan(0);
    const hlsAfter = await scrape(ts);
    const delta = (name: string, labels: Record<string, string>): number =>
      sampleValue(hlsAfter, name, labels) - sampleValue(hlsBefore, name, labels);
    expect(delta('porchlight_hls_requests_total', { kind: 'vod', status: '2xx' })).toBe(1);
    expect(delta('porchlight_hls_requests_total', { kind: 'seg', status: '2xx' })).toBe(1);
    expect(delta('porchlight_hls_sent_bytes_total', { kind: 'seg' })).toBe(segment.length);
    expect(delta('porchlight_hls_sent_bytes_total', { kind: 'vod' })).toBe(
      Buffer.byteLength(playlist),
    );

    // The REST calls of this test were counted by route pattern, never by URL.
    expectBoundedLabels(recorded);
    expect(
      sampleValue(recorded, 'porchlight_http_requests_total', { route: '/metrics', status: '2xx' }),
    ).toBeGreaterThan(3);
    expect(recorded.types.get('porchlight_webhook_deliveries_total')).toBe('counter');
    expect(recorded.types.get('porchlight_push_deliveries_total')).toBe('counter');
    expect(sampleValue(recorded, 'porchlight_turn_up')).toBe(0);
    // docs/operations.md documents every family of ours (prom-client's process_/nodejs_ ones as a group).
    const doc = fs.readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
    for (const family of recorded.types.keys()) {
      if (/^porchlight_(process|nodejs)_/.test(family)) continue;
      expect(doc, family).toContain(`\`${family}\``);
    }

    // The raw socket and the viewer leave: their sockets and consumer are gone from the gauges.
    raw.close();
    viewer.close();
    await until('the viewer to be gone', async () => {
      const e = await scrape(ts);
      const t = await mediasoupCounts(ts);
      return sampleValue(e, 'porchlight_signaling_sockets') === 1 &&
        sampleSum(e, 'porchlight_mediasoup_consumers') === t.consumers
        ? true
        : undefined;
    });
  }, 180_000);
});

describe('/metrics access', () => {
  let ts: TestServer;

  beforeAll(async () => {
    // Loopback is no longer allowed: every scrape needs a bearer.
    ts = await startTestServer({ ops: { metricsAllowFrom: ['10.0.0.0/8'] } });
    await ts.createPerson({ email: 'ops@example.com', password: 'ops-password-1', isAdmin: true });
  });
  afterAll(async () => {
    await ts?.close();
  });

  async function adminKey(scopes: string[]): Promise<string> {
    const login = await api<{ accessToken: string }>(ts.url, 'POST', '/api/v1/auth/login', {
      body: { email: 'ops@example.com', password: 'ops-password-1' },
    });
    const key = await api<{ key: string }>(ts.url, 'POST', '/api/v1/api-keys', {
      token: login.body.accessToken,
      body: { name: `prometheus ${scopes.join(' ')}`, scopes },
    });
    expect(key.status).toBe(201);
    return key.body.key;
  }

  const get = (headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${ts.url}/metrics`, { headers });

  it('refuses without credentials (401), with a bad one (401) and without the scope (403)', async () => {
    expect((await get()).status).toBe(401);
    expect((await get({ authorization: 'Bearer plk_not-a-key' })).status).toBe(401);
    expect((await get({ authorization: 'Basic b3BzOm9wcw==' })).status).toBe(401);
    const viewer = await ts.mint('viewer');
    expect((await get({ authorization: `Bearer ${viewer}` })).status).toBe(403);
    const siteKey = await adminKey(['site:read']);
    expect((await get({ authorization: `Bearer ${siteKey}` })).status).toBe(403);
  });

  it('serves an API key scoped to metrics:read', async () => {
    const key = await adminKey(['metrics:read']);
    const res = await get({ authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    const exposition = parsePrometheus(await res.text());
    expect(sampleValue(exposition, 'porchlight_build_info')).toBe(1);
  });
});
