/**
 * WHIP publish -> first frame decoded at a viewer, p50/p95, against the app's own socket publish
 * in the same run (alternating), both in Node over @roamhq/wrtc (libwebrtc) on loopback.
 *
 * Metric: t0 = the publisher starts (WHIP: just before its offer is created and POSTed; socket:
 * just before the SDK connects, joins and publishes); t1 = the first frame of that camera decoded
 * by a viewer (the SDK in wrtc) that was already connected to the site and watches it as soon as it
 * is announced. Both publishers send the same synthetic 320x240 VP8 picture.
 */
import { PorchlightClient } from '@porchlight/sdk';
import { startTestServer, type TestServer } from '../tests/support/testServer.ts';
import '../tests/support/http.ts';
import { frameCounter, installWrtcGlobals, syntheticCamera, YUV } from '../tests/support/wrtc.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { fmt, ratio, summarize } from './lib/stats.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);
const WARMUP = 1;

installWrtcGlobals();

function sdkClient(ts: TestServer, token: string): PorchlightClient {
  return new PorchlightClient({
    url: ts.url,
    token,
    device: { handlerName: 'Chrome111' },
    socketOptions: { rejectUnauthorized: false },
  });
}

/** Resolves when the viewer decoded the first frame of `deviceId`'s camera. */
function firstFrameOf(viewer: PorchlightClient, deviceId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error('no frame within 20 s')), 20_000);
    const poll = setInterval(() => {
      const info = viewer.producers.find((p) => p.deviceId === deviceId && p.kind === 'video');
      if (!info) return;
      clearInterval(poll);
      void viewer.watch(info.producerId).then((sub) => {
        const counter = frameCounter(sub.track!);
        const check = setInterval(() => {
          if (counter.state.frames === 0) return;
          const at = performance.now();
          clearInterval(check);
          clearTimeout(timeout);
          counter.stop();
          sub.close();
          resolve(at);
        }, 1);
      }, reject);
    }, 1);
  });
}

/** A minimal WHIP publisher: offer (max-bundle, complete candidates), POST, answer. */
async function whipPublish(url: string, token: string, track: MediaStreamTrack, t0: number) {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  pc.addTransceiver(track, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((r) => {
    if (pc.iceGatheringState === 'complete') return r();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') r();
    });
  });
  const gathered = performance.now() - t0;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
    body: pc.localDescription!.sdp,
  });
  if (res.status !== 201) throw new Error(`WHIP ${res.status}: ${await res.text()}`);
  const location = new URL(res.headers.get('location')!, url).toString();
  const answered = performance.now() - t0;
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  const stop = async (): Promise<void> => {
    await fetch(location, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    pc.close();
  };
  return { stop, gathered, answered };
}

async function main(): Promise<void> {
  const started = Date.now();
  const ts = await startTestServer();
  const viewer = sdkClient(ts, await ts.mint('viewer'));
  await viewer.connect();
  const whip: number[] = [];
  const socket: number[] = [];
  const gathered: number[] = [];
  const answered: number[] = [];
  try {
    for (let i = 0; i < RUNS + WARMUP; i++) {
      // WHIP
      {
        const { token, id } = await ts.mintWithId('camera', { label: `whip-${i}` });
        const source = syntheticCamera(320, 240, YUV.red);
        const frame = firstFrameOf(viewer, id);
        const t0 = performance.now();
        const pub = await whipPublish(`${ts.url}/whip/v1/devices/${id}`, token, source.track, t0);
        const ms = (await frame) - t0;
        await pub.stop();
        source.stop();
        if (i >= WARMUP) {
          whip.push(ms);
          gathered.push(pub.gathered);
          answered.push(pub.answered);
        }
        process.stdout.write(
          `run ${i + 1}/${RUNS + WARMUP}: WHIP ${ms.toFixed(0)} ms (gathered ${pub.gathered.toFixed(0)}, ` +
            `answered ${pub.answered.toFixed(0)})`,
        );
      }
      // The app's own socket publish (SDK: connect, join, transport, produce)
      {
        const { token, id } = await ts.mintWithId('camera', { label: `socket-${i}` });
        const source = syntheticCamera(320, 240, YUV.red);
        const frame = firstFrameOf(viewer, id);
        const t0 = performance.now();
        const cam = sdkClient(ts, token);
        await cam.connect();
        await cam.publish(source.track, { source: 'camera', simulcast: false });
        const ms = (await frame) - t0;
        cam.close();
        source.stop();
        if (i >= WARMUP) socket.push(ms);
        process.stdout.write(`, socket ${ms.toFixed(0)} ms\n`);
      }
    }
  } finally {
    viewer.close();
    await ts.close();
  }
  const w = summarize(whip);
  const s = summarize(socket);
  const g = summarize(gathered);
  const a = summarize(answered);
  const data = {
    runs: RUNS,
    whipPhasesMs: { iceGatheringComplete: g, answerReceived: a },
    whipPublishToFirstFrameMs: w,
    socketPublishToFirstFrameMs: s,
    ratioP50: ratio(w.p50, s.p50),
    ratioP95: ratio(w.p95, s.p95),
  };
  const md = [
    `Publisher start -> first frame decoded at a connected viewer, Node + @roamhq/wrtc (VP8 320x240), loopback, ${RUNS} runs each (after ${WARMUP} warm-up), alternating.`,
    '',
    mdTable(
      ['publish path', 'p50 ms', 'p95 ms', 'mean ms', 'max ms'],
      [
        ['WHIP (offer, POST, answer)', fmt(w.p50, 0), fmt(w.p95, 0), fmt(w.mean, 0), fmt(w.max, 0)],
        [
          'app socket (connect, join, transport, produce)',
          fmt(s.p50, 0),
          fmt(s.p95, 0),
          fmt(s.mean, 0),
          fmt(s.max, 0),
        ],
        ['ratio WHIP / socket', fmt(data.ratioP50, 2), fmt(data.ratioP95, 2), '', ''],
      ],
    ),
    '',
    `WHIP phases from t0 (p50): ICE gathering complete ${fmt(g.p50, 0)} ms (a non-trickle offer waits ` +
      `for it; libwebrtc's gathering ends after its own timers), answer received ${fmt(a.p50, 0)} ms; the ` +
      `rest is ICE/DTLS, the first keyframe and the viewer's consume.`,
  ].join('\n');
  const out = recordResult('whipFirstFrame', data, md, {
    durationSeconds: (Date.now() - started) / 1000,
  });
  process.stdout.write(`\n${md}\n\nwritten: ${out.json}\n`);
}

await main();
