/**
 * Doorbell: ring -> every open homeowner session notified, and answer -> first media, on loopback.
 *
 * Ring: 10 homeowner devices (10 accounts, one socket each, joined to the site as the app is);
 * a visitor rings through the door link (`POST /api/v1/visit/ring`) 20 times (+2 warm-up). Per
 * ring: request start -> `callRinging` received on the LAST of the 10 sockets (what "every device
 * rings" means), and per socket (200 samples). The visitor hangs up between rings.
 *
 * Answer (SDK + @roamhq/wrtc peers): per call, the visitor's side publishes camera + microphone in
 * the call room while it rings; at t0 a homeowner answers (REST), joins the call room, watches the
 * visitor's camera and publishes its microphone (`callAudio`). Metrics from t0: first decoded video
 * frame at the homeowner, first audible audio frame (RMS > 500) at the visitor.
 *
 * Run alone: `node --import tsx bench/doorbellRing.ts` (BENCH_RINGS=20, BENCH_CALLS=20).
 */
import { PorchlightClient } from '@porchlight/sdk';
import type { VisitorSession } from '@porchlight/protocol';
import { api } from '../tests/support/http.ts';
import { connectRaw, type RawClient } from '../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../tests/support/testServer.ts';
import { frameCounter, installWrtcGlobals, syntheticCamera, YUV } from '../tests/support/wrtc.ts';
import { audioMeter, syntheticMicrophone } from '../tests/support/wrtcAudio.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { fmt, summarize, type Summary } from './lib/stats.ts';

const RINGS = Number(process.env['BENCH_RINGS'] ?? 20);
const CALLS = Number(process.env['BENCH_CALLS'] ?? 20);
const DEVICES = 10;
const WARMUP = 2;

installWrtcGlobals();

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function doorbell(ts: TestServer, ownerToken: string): Promise<string> {
  const { provisioning } = ts.server.identity;
  const code = await provisioning.createCode({
    siteId: ts.siteId,
    kind: 'doorbell',
    name: 'Front door',
    createdBy: 'bench',
  });
  const { device } = await provisioning.redeem(code.code, {
    userAgent: null,
    firmware: null,
    address: null,
  });
  const t = await api<{ token: string }>(
    ts.url,
    'POST',
    `/api/v1/sites/${ts.siteId}/doors/${device.id}/tokens`,
    { token: ownerToken, body: {} },
  );
  return t.body.token;
}

async function ringOnce(
  ts: TestServer,
  doorToken: string,
  sockets: RawClient[],
): Promise<{ last: number; each: number[]; session: VisitorSession }> {
  const seen: number[] = [];
  const pending: { id: string; at: number }[] = [];
  const handlers = sockets.map((s) => {
    const h = (p: { call: { callId: string } }): void => {
      pending.push({ id: p.call.callId, at: performance.now() });
    };
    s.socket.on('callRinging', h);
    return h;
  });
  const t0 = performance.now();
  const res = await api<VisitorSession>(ts.url, 'POST', '/api/v1/visit/ring', {
    body: { doorToken },
  });
  if (res.status !== 201) throw new Error(`ring: ${res.status} ${JSON.stringify(res.body)}`);
  const callId = res.body.call.callId;
  await until(
    'every session rang',
    () => pending.filter((p) => p.id === callId).length >= sockets.length,
  );
  sockets.forEach((s, i) => s.socket.off('callRinging', handlers[i]));
  for (const p of pending) if (p.id === callId) seen.push(p.at - t0);
  return { last: Math.max(...seen), each: seen, session: res.body };
}

/** A homeowner answers a ringing call: time until every OTHER session is told (stops ringing). */
async function answerStopsOthers(
  ts: TestServer,
  callId: string,
  answerer: string,
  others: RawClient[],
): Promise<number> {
  const told: number[] = [];
  const handlers = others.map((s) => {
    const h = (p: { call: { callId: string; state: string } }): void => {
      if (p.call.callId === callId && p.call.state === 'answered') told.push(performance.now());
    };
    s.socket.on('callUpdated', h);
    return h;
  });
  const t0 = performance.now();
  const res = await api(ts.url, 'POST', `/api/v1/calls/${callId}/answer`, {
    token: answerer,
    body: { deviceLabel: 'Bench phone' },
  });
  if (res.status !== 200) throw new Error(`answer: ${res.status}`);
  await until('every other session told', () => told.length >= others.length);
  others.forEach((s, i) => s.socket.off('callUpdated', handlers[i]));
  return Math.max(...told) - t0;
}

async function answerOnce(
  ts: TestServer,
  doorToken: string,
  ownerToken: string,
): Promise<{ video: number; audio: number }> {
  const stops: (() => void)[] = [];
  const clients: PorchlightClient[] = [];
  const client = (token: string, callId: string): PorchlightClient => {
    const c = new PorchlightClient({
      url: ts.url,
      token,
      callId,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    clients.push(c);
    return c;
  };
  try {
    const rung = await api<VisitorSession>(ts.url, 'POST', '/api/v1/visit/ring', {
      body: { doorToken },
    });
    const callId = rung.body.call.callId;
    const visitor = client(rung.body.credential, callId);
    await visitor.connect();
    const cam = syntheticCamera(640, 480, YUV.red);
    const mic = syntheticMicrophone();
    stops.push(cam.stop, mic.stop);
    await visitor.publish(cam.track, { source: 'camera', simulcast: false });
    await visitor.publish(mic.track, { source: 'microphone' });
    let ears: ReturnType<typeof audioMeter> | undefined;
    // The visitor's page plays the answerer's audio as soon as it is announced.
    const onAdded = (): void => {
      const p = visitor.producers.find((x) => x.source === 'callAudio');
      if (!p || ears) return;
      ears = { state: { frames: 0, rms: 0, firstLoudAt: 0 }, stop: () => undefined };
      void visitor.watch(p.producerId).then((sub) => {
        const meter = audioMeter(sub.track!);
        stops.push(meter.stop);
        ears = meter;
      });
    };
    const poll = setInterval(onAdded, 2);
    stops.push(() => clearInterval(poll));

    const t0 = performance.now();
    const answered = await api(ts.url, 'POST', `/api/v1/calls/${callId}/answer`, {
      token: ownerToken,
      body: { deviceLabel: 'Bench phone' },
    });
    if (answered.status !== 200) throw new Error(`answer: ${answered.status}`);
    const home = client(ownerToken, callId);
    await home.connect();
    const homeMic = syntheticMicrophone();
    stops.push(homeMic.stop);
    const publishing = home.publish(homeMic.track, { source: 'callAudio' });
    await until('visitor camera announced', () =>
      home.producers.some((p) => p.source === 'camera'),
    );
    const sub = await home.watch(home.producers.find((p) => p.source === 'camera')!.producerId);
    const frames = frameCounter(sub.track!);
    stops.push(frames.stop);
    let firstFrameAt = 0;
    await publishing;
    await until('first frame and first sound', () => {
      if (frames.state.frames > 0 && firstFrameAt === 0) firstFrameAt = performance.now();
      return firstFrameAt > 0 && (ears?.state.firstLoudAt ?? 0) > 0;
    });
    const result = { video: firstFrameAt - t0, audio: ears!.state.firstLoudAt - t0 };
    await api(ts.url, 'POST', `/api/v1/calls/${callId}/hangup`, { token: ownerToken, body: {} });
    return result;
  } finally {
    for (const s of stops.reverse()) s();
    for (const c of clients) c.close();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const ts = await startTestServer({
    doorbell: { ringsPerDoor: 10_000, ringsPerAddress: 10_000 },
  });
  const sockets: RawClient[] = [];
  try {
    const people = [];
    for (let i = 0; i < DEVICES; i++) {
      people.push(
        await ts.mintWithId('viewer', { siteRole: i === 0 ? 'owner' : 'member', label: `P${i}` }),
      );
    }
    const doorToken = await doorbell(ts, people[0]!.token);
    for (const p of people) {
      const c = await connectRaw(ts.url, p.token);
      const j = await c.request('join', {});
      if (!j.ok) throw new Error('join');
      sockets.push(c);
    }

    const last: number[] = [];
    const each: number[] = [];
    const othersTold: number[] = [];
    for (let i = 0; i < RINGS + WARMUP; i++) {
      const r = await ringOnce(ts, doorToken, sockets);
      const stop = await answerStopsOthers(
        ts,
        r.session.call.callId,
        people[0]!.token,
        sockets.slice(1),
      );
      await api(ts.url, 'POST', '/api/v1/visit/call/hangup', {
        token: r.session.credential,
        body: {},
      });
      if (i < WARMUP) continue;
      last.push(r.last);
      each.push(...r.each);
      othersTold.push(stop);
    }

    const video: number[] = [];
    const audio: number[] = [];
    for (let i = 0; i < CALLS + 1; i++) {
      const r = await answerOnce(ts, doorToken, people[0]!.token);
      if (i === 0) continue; // warm-up
      video.push(r.video);
      audio.push(r.audio);
    }

    const s = {
      ringToAllSessions: summarize(last),
      ringToEachSession: summarize(each),
      answerToOthersStopped: summarize(othersTold),
      answerToHomeownerVideo: summarize(video),
      answerToVisitorAudio: summarize(audio),
    };
    const row = (name: string, x: Summary, goal: string): (string | number)[] => [
      name,
      x.n,
      fmt(x.p50),
      fmt(x.p95),
      fmt(x.max),
      goal,
    ];
    const md = [
      `Loopback, ${DEVICES} homeowner sessions (one socket each), ${RINGS} rings, ${CALLS} answered calls (SDK + @roamhq/wrtc peers, 640x480 visitor camera).`,
      '',
      mdTable(
        ['metric (ms)', 'n', 'p50', 'p95', 'max', 'goal p95'],
        [
          row('ring -> all 10 sessions got callRinging', s.ringToAllSessions, '< 150'),
          row('ring -> one session got callRinging', s.ringToEachSession, ''),
          row(
            'answer -> the 9 other sessions told (stop ringing)',
            s.answerToOthersStopped,
            '< 1000',
          ),
          row('answer -> first video frame at the homeowner', s.answerToHomeownerVideo, '< 500'),
          row('answer -> first audible audio at the visitor', s.answerToVisitorAudio, '< 500'),
        ],
      ),
      '',
      'Ring is timed from the visitor request start; answer from the answer request start, and includes the homeowner joining the call room (transports, ICE, DTLS) as an app opened from a notification does.',
    ].join('\n');
    const out = recordResult('doorbellRing', s, md, {
      durationSeconds: (Date.now() - started) / 1000,
    });
    process.stdout.write(`\n${md}\n\nwritten: ${out.json}\n`);
  } finally {
    for (const c of sockets) c.close();
    await ts.close();
  }
}

await main();
