/**
 * Detection event -> household told, on loopback: a real server (store, EventService, recording
 * trigger, EventAnnouncer, DetectionPush with aes128gcm + VAPID per message) and 10 homeowners,
 * each with an open socket and one subscribed browser on a local HTTPS push receiver. Per event a
 * camera (device token) posts `POST /devices/:id/events` then its JPEG snapshot:
 *  - post: the start request's round trip;
 *  - socket: start request sent -> `detection` (started) on the LAST of the 10 sockets;
 *  - push text / push image: start (resp. snapshot) request sent -> the receiver accepted the
 *    last of the 10 browsers' `detection` (resp. `detection-snapshot`) message.
 * Three cameras take turns (each stays under its 20 new events a minute).
 *
 *   node --import tsx bench/detectionEvents.ts [--events=30]
 * Prints a table; does not write bench/results.
 */
import { PushReceiver } from '../tests/support/pushReceiver.ts';
import { api } from '../tests/support/http.ts';
import { connectRaw, type RawClient } from '../tests/support/rawClient.ts';
import { startTestServer } from '../tests/support/testServer.ts';
import { TINY_JPEG } from '../server/test/doorbell/world.ts';
import { numberArg } from './lib/args.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { mdTable } from './lib/results.ts';
import { fmt, summarize } from './lib/stats.ts';

const EVENTS = numberArg('events', 30);
const PEOPLE = 10;
const WARMUP = 2;

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function main(): Promise<void> {
  quietLogs();
  const receiver = await PushReceiver.start();
  const ts = await startTestServer(
    { push: { allowPrivateEndpoints: true } },
    { pushAgent: receiver.agent },
  );
  const sockets: RawClient[] = [];
  try {
    const browsers: string[] = [];
    const seen = new Map<string, number[]>();
    for (let i = 0; i < PEOPLE; i++) {
      const person = await ts.mintWithId('viewer', { siteRole: 'member', label: `P${i}` });
      const b = receiver.browser();
      const res = await api(ts.url, 'POST', '/api/v1/notifications/subscriptions', {
        token: person.token,
        body: { subscription: b.subscription },
      });
      if (res.status !== 201) throw new Error(`subscribe: ${res.status}`);
      browsers.push(b.id);
      const s = await connectRaw(ts.url, person.token);
      s.socket.on('detection', (n: { kind: string; event: { id: string } }) => {
        if (n.kind !== 'started') return;
        seen.set(n.event.id, [...(seen.get(n.event.id) ?? []), performance.now()]);
      });
      sockets.push(s);
    }
    const cameras = [];
    for (let c = 0; c < 3; c++) cameras.push(await ts.mintWithId('camera', { label: `Cam ${c}` }));
    const pushedAt = (eventId: string, type: string): number[] =>
      receiver.received
        .filter((m) => {
          const j = m.json as { eventId?: string; type?: string };
          return j.eventId === eventId && j.type === type;
        })
        .map((m) => m.atHr);

    const post: number[] = [];
    const socket: number[] = [];
    const pushText: number[] = [];
    const pushImage: number[] = [];
    for (let e = 0; e < WARMUP + EVENTS; e++) {
      const cam = cameras[e % cameras.length]!;
      const now = Date.now();
      const t0 = performance.now();
      const res = await api<{ eventId: string }>(
        ts.url,
        'POST',
        `/api/v1/devices/${cam.id}/events`,
        {
          token: cam.token,
          body: {
            label: 'person',
            startedAt: now,
            maxScore: 0.7,
            zones: ['Drive'],
            track: [{ t: now, box: [0.4, 0.3, 0.1, 0.4], score: 0.7 }],
            detector: { backend: 'wasm', model: 'centernet', msPerFrame: 40 },
          },
        },
      );
      const t1 = performance.now();
      if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
      const id = res.body.eventId;
      await until('every socket', () => (seen.get(id)?.length ?? 0) >= PEOPLE);
      await until('every text push', () => pushedAt(id, 'detection').length >= PEOPLE);
      const t2 = performance.now();
      const snap = await api(ts.url, 'PUT', `/api/v1/devices/${cam.id}/events/${id}/snapshot`, {
        token: cam.token,
        rawBody: new Uint8Array(TINY_JPEG),
        contentType: 'image/jpeg',
      });
      if (snap.status !== 200) throw new Error(`snapshot: ${snap.status}`);
      await until('every image push', () => pushedAt(id, 'detection-snapshot').length >= PEOPLE);
      await api(ts.url, 'PATCH', `/api/v1/devices/${cam.id}/events/${id}`, {
        token: cam.token,
        body: { endedAt: Date.now() },
      });
      if (e < WARMUP) continue;
      post.push(t1 - t0);
      socket.push(Math.max(...seen.get(id)!) - t0);
      pushText.push(Math.max(...pushedAt(id, 'detection')) - t0);
      pushImage.push(Math.max(...pushedAt(id, 'detection-snapshot')) - t2);
    }
    const row = (name: string, v: number[]) => {
      const s = summarize(v);
      return [name, v.length, fmt(s.p50), fmt(s.p95), fmt(s.max)];
    };
    console.log(
      `\ndetection events, ${PEOPLE} people (socket + push each), ${EVENTS} events, loopback\n`,
    );
    console.log(
      mdTable(
        ['path', 'n', 'p50 ms', 'p95 ms', 'max ms'],
        [
          row('POST start (round trip)', post),
          row('start -> last socket told', socket),
          row('start -> last text push accepted', pushText),
          row('snapshot PUT -> last image push accepted', pushImage),
        ],
      ),
    );
    if (receiver.errors.length > 0) throw new Error(`push receiver: ${receiver.errors[0]}`);
  } finally {
    for (const s of sockets) s.close();
    await ts.close();
    await receiver.close();
  }
}

runMain('detectionEvents', main);
