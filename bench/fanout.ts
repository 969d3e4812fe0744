/**
 * SFU fan-out on ONE mediasoup worker: one ~1 Mbps H264 video producer (fed by ffmpeg over
 * plain RTP) to N consumers (plain RTP to UDP sinks in a child process). Two variants, measured
 * alternately at every N so machine noise hits both:
 *   bare        mediasoup directly: createWorker -> createRouter -> transports
 *   porchlight  our server (startTestServer, 1 worker), the site's Room and its router; producer
 *               and consumers go through Room.produce / Room.consume / Room.resumeConsumer
 * Per N: worker CPU (getResourceUsage deltas), loss (producer packets x N vs sink packets), sink
 * Mbps. Results: bench/results/latest.{json,md} under "fanout".
 *
 *   node --import tsx bench/fanout.ts [--steps=25,50,100] [--window=5] [--warmup=2] [--srtp]
 *                                     [--live-encode] [--budget=300]
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { RequestOf } from '@porchlight/protocol';
import { Peer } from '../server/src/media/Peer.ts';
import { Logger } from '../server/src/util/Logger.ts';
import { startTestServer } from '../tests/support/testServer.ts';
import { ChildRpc } from './lib/ipc.ts';
import { mdTable, recordResult } from './lib/results.ts';
import {
  machineInfo,
  processCpuMs,
  secondsSince,
  sleep,
  systemBusyPct,
  systemCpu,
  udpCounters,
  type SystemCpuSample,
  type UdpCounters,
} from './lib/resources.ts';
import { fmt, linearFit, median, ratio } from './lib/stats.ts';
import type { SinkTotals } from './lib/udpSinkChild.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Options

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : 'true';
}

const opts = {
  steps: (arg('steps') ?? '25,50,100,200,400,600,800')
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
  windowS: Number(arg('window') ?? 5),
  warmupS: Number(arg('warmup') ?? 2),
  /** Main sweep with SRTP consumers instead of plain RTP. */
  srtp: arg('srtp') === 'true',
  /** Short second sweep with SRTP-encrypting consumers (closer to WebRTC cost); "" to skip. */
  srtpCheck: (arg('srtp-check') ?? '100,200')
    .split(',')
    .map(Number)
    .filter((n) => n > 0),
  liveEncode: arg('live-encode') === 'true',
  /** Stop sweeping (and report what we have) once this many seconds have passed. */
  budgetS: Number(arg('budget') ?? 330),
};
/** Optional `--srtp-check=` with nothing after it disables the SRTP sweep. */
if (arg('srtp-check') === 'true' || arg('srtp-check') === '') opts.srtpCheck = [];
const STOP_LOSS_PCT = 5;
const STOP_WORKER_CPU_PCT = 95;
const CLEAN_LOSS_PCT = 1;
/** Other tenants using at least this much (% of one core) during a troubled step: contended. */
const CONTENTION_CORE_PCT = 50;
/** A step counts as clean with < 1% loss and every consumer's stream advancing. */
const isClean = (s: StepResult): boolean =>
  !s.contended && s.lossPct < CLEAN_LOSS_PCT && s.starvedConsumers === 0;

// ---------------------------------------------------------------------------------------------
// Media parameters shared by both variants

const PAYLOAD_TYPE = 102;
const H264_PARAMS = {
  'packetization-mode': 1,
  'profile-level-id': '42e01f',
  'level-asymmetry-allowed': 1,
};
const BARE_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: H264_PARAMS },
];

function producerRtpParameters(ssrc: number): types.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/H264',
        payloadType: PAYLOAD_TYPE,
        clockRate: 90000,
        parameters: H264_PARAMS,
        rtcpFeedback: [],
      },
    ],
    encodings: [{ ssrc }],
    rtcp: { cname: `ffmpeg-${ssrc}`, reducedSize: false },
  };
}

/** What a sink "endpoint" claims to receive: H264 CB with the usual WebRTC feedback, no BWE. */
const CONSUMER_CAPS: types.RtpCapabilities = {
  codecs: [
    {
      kind: 'video',
      mimeType: 'video/H264',
      preferredPayloadType: PAYLOAD_TYPE,
      clockRate: 90000,
      parameters: H264_PARAMS,
      rtcpFeedback: [
        { type: 'nack' },
        { type: 'nack', parameter: 'pli' },
        { type: 'ccm', parameter: 'fir' },
      ],
    },
  ],
  headerExtensions: [],
};

const SRTP_SUITE = (arg('srtp-suite') ?? 'AES_CM_128_HMAC_SHA1_80') as types.SrtpCryptoSuite;
/** Master key + salt: 30 bytes for AES_CM_128, 28 for AEAD_AES_128_GCM, 44 for AEAD_AES_256_GCM. */
const SRTP_KEY = randomBytes(
  SRTP_SUITE === 'AEAD_AES_256_GCM' ? 44 : SRTP_SUITE === 'AEAD_AES_128_GCM' ? 28 : 30,
).toString('base64');
const LOOPBACK: types.TransportListenInfo = { protocol: 'udp', ip: '127.0.0.1' };

/** Consumer side: one transport per consumer, sending to its sink (SRTP: encrypted, not decrypted). */
function consumerTransportOptions(
  srtp: boolean,
  appData: types.AppData,
): types.PlainTransportOptions {
  return {
    listenInfo: LOOPBACK,
    rtcpMux: true,
    comedia: false,
    ...(srtp ? { enableSrtp: true, srtpCryptoSuite: SRTP_SUITE } : {}),
    appData,
  };
}

async function connectToSink(t: types.PlainTransport, port: number, srtp: boolean): Promise<void> {
  await t.connect({
    ip: '127.0.0.1',
    port,
    ...(srtp ? { srtpParameters: { cryptoSuite: SRTP_SUITE, keyBase64: SRTP_KEY } } : {}),
  });
}

/** Producer side: comedia (ffmpeg's source ports are learnt), separate RTCP port like ffmpeg. */
async function producerTransport(
  router: types.Router,
  appData: types.AppData,
): Promise<types.PlainTransport> {
  return router.createPlainTransport({
    listenInfo: LOOPBACK,
    rtcpMux: false,
    comedia: true,
    appData,
  });
}

// ---------------------------------------------------------------------------------------------
// ffmpeg

const ENCODE_ARGS = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-tune',
  'zerolatency',
  '-b:v',
  '1M',
  '-maxrate',
  '1M',
  '-bufsize',
  '500k',
  '-g',
  '60',
  '-pix_fmt',
  'yuv420p',
  '-profile:v',
  'baseline',
];

/**
 * Encodes a 20 s clip once (same encoder settings as live), streamed with `-c copy` afterwards:
 * two live 720p encoders would cost ~10-20% of a core each on a 2-core box, right next to the
 * worker being measured. `--live-encode` streams the lavfi source through libx264 instead.
 */
function prepareClip(dir: string): string {
  const clip = path.join(dir, 'clip.ts');
  execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=30',
      '-t',
      '20',
      ...ENCODE_ARGS,
      '-f',
      'mpegts',
      clip,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 },
  );
  return clip;
}

function startFfmpeg(clip: string, ssrc: number, port: number, rtcpPort: number): ChildProcess {
  const input = opts.liveEncode
    ? ['-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', ...ENCODE_ARGS]
    : ['-re', '-stream_loop', '-1', '-i', clip, '-map', '0:v:0', '-c', 'copy'];
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...input,
    '-payload_type',
    String(PAYLOAD_TYPE),
    '-ssrc',
    String(ssrc),
    '-f',
    'rtp',
    `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`,
  ];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('error', (e) => console.error('[fanout] ffmpeg failed to start:', e.message));
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// Variants

interface Variant {
  name: 'bare' | 'porchlight';
  /** Sink group name (one per sweep and variant). */
  group: string;
  srtp: boolean;
  workerPid: number;
  workerCpuMs(): Promise<number>;
  producer: types.Producer;
  ffmpeg: ChildProcess;
  consumers: types.Consumer[];
  /** Adds consumers, one per sink port. */
  addConsumers(ports: number[]): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
  /** Why the sweep finished for this variant (stop condition), once it has. */
  done: string | undefined;
  steps: StepResult[];
}

const cpuOf = (u: types.WorkerResourceUsage): number => u.ru_utime + u.ru_stime;

/** Runs `fn` over items with at most `limit` in flight. */
async function inBatches<T>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += limit) {
    await Promise.all(items.slice(i, i + limit).map((item, j) => fn(item, i + j)));
  }
}

async function bareVariant(sweep: string, srtp: boolean, clip: string): Promise<Variant> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: BARE_CODECS });
  const send = await producerTransport(router, {});
  const ssrc = 11_110_000 + Math.floor(Math.random() * 1e6);
  const producer = await send.produce({
    kind: 'video',
    rtpParameters: producerRtpParameters(ssrc),
  });
  const ffmpeg = startFfmpeg(clip, ssrc, send.tuple.localPort, send.rtcpTuple?.localPort ?? 0);
  const consumers: types.Consumer[] = [];
  return {
    name: 'bare',
    group: `${sweep}:bare`,
    srtp,
    workerPid: worker.pid,
    workerCpuMs: async () => cpuOf(await worker.getResourceUsage()),
    producer,
    ffmpeg,
    consumers,
    addConsumers: async (ports) => {
      await inBatches(ports, 32, async (port) => {
        const t = await router.createPlainTransport(consumerTransportOptions(srtp, {}));
        await connectToSink(t, port, srtp);
        consumers.push(
          await t.consume({
            producerId: producer.id,
            rtpCapabilities: CONSUMER_CAPS,
            paused: false,
          }),
        );
      });
    },
    pause: () => producer.pause(),
    resume: () => producer.resume(),
    close: async () => {
      await stopProcess(ffmpeg);
      const exited = new Promise<void>((r) => worker.once('subprocessclose', () => r()));
      worker.close();
      await Promise.race([exited, sleep(3000)]);
    },
    done: undefined,
    steps: [],
  };
}

async function porchlightVariant(sweep: string, srtp: boolean, clip: string): Promise<Variant> {
  const ts = await startTestServer({ media: { numWorkers: 1 } });
  try {
    const room = await ts.server.rooms.getOrCreate(ts.siteId);
    const router = room.router;
    const noop = (): void => {};
    // Authorization is decided per request, never per packet: it is not what this bench measures.
    const allow = (): boolean => true;
    // The camera: a Peer in the Room, publishing through Room.produce (policy checks included).
    const camera = new Peer({
      id: randomUUID(),
      siteId: ts.siteId,
      role: 'camera',
      label: 'bench camera',
      deviceId: randomUUID(),
      can: allow,
      notify: noop,
    });
    room.join(camera);
    const send = await producerTransport(router, { direction: 'send' });
    // Room only calls produce/consume and reads appData on a peer's transport; a PlainTransport
    // stands in for the WebRtcTransport a browser would have (there is no ICE/DTLS peer here).
    camera.transports.set(send.id, send as unknown as types.WebRtcTransport);
    const ssrc = 22_220_000 + Math.floor(Math.random() * 1e6);
    const { producerId } = await room.produce(camera, {
      transportId: send.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: producerRtpParameters(ssrc) as RequestOf<'produce'>['rtpParameters'],
    });
    const producer = camera.producer(producerId);
    const ffmpeg = startFfmpeg(clip, ssrc, send.tuple.localPort, send.rtcpTuple?.localPort ?? 0);
    const pid = room.workerPid;
    const consumers: types.Consumer[] = [];
    return {
      name: 'porchlight',
      group: `${sweep}:porchlight`,
      srtp,
      workerPid: pid,
      workerCpuMs: async () => {
        const u = (await ts.server.pool.usage()).find((w) => w.pid === pid);
        if (!u) throw new Error('porchlight worker is gone');
        return cpuOf(u.usage);
      },
      producer,
      ffmpeg,
      consumers,
      // Each consumer is its own viewer Peer in the Room, as each browser tab would be.
      addConsumers: async (ports) => {
        await inBatches(ports, 32, async (port) => {
          const viewer = new Peer({
            id: randomUUID(),
            siteId: ts.siteId,
            role: 'viewer',
            label: `viewer ${consumers.length}`,
            deviceId: undefined,
            can: allow,
            notify: noop,
          });
          room.join(viewer);
          const t = await router.createPlainTransport(
            consumerTransportOptions(srtp, { direction: 'recv' }),
          );
          viewer.transports.set(t.id, t as unknown as types.WebRtcTransport);
          await connectToSink(t, port, srtp);
          const info = await room.consume(viewer, {
            transportId: t.id,
            producerId,
            rtpCapabilities: CONSUMER_CAPS as RequestOf<'consume'>['rtpCapabilities'],
          });
          await room.resumeConsumer(viewer, info.id);
          consumers.push(viewer.consumer(info.id));
        });
      },
      pause: () => room.pauseProducer(camera, producerId),
      resume: () => room.resumeProducer(camera, producerId),
      close: async () => {
        await stopProcess(ffmpeg);
        await ts.close();
      },
      done: undefined,
      steps: [],
    };
  } catch (error) {
    await ts.close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Measurement

/** Each source is timestamped on its own (midpoint of its request): a busy sink answering late must
 * not stretch or shrink the worker's interval. */
interface Snapshot {
  workerAtMs: number;
  producerAtMs: number;
  workerCpuMs: number;
  producerPackets: number;
  producerBytes: number;
  producerLost: number;
  sink: SinkTotals;
  sys: SystemCpuSample;
  udp: UdpCounters;
  ffmpegCpuMs: number;
  /** This (parent) process's CPU so far, ms. */
  selfCpuMs: number;
}

export interface StepResult {
  variant: string;
  srtp: boolean;
  n: number;
  windowS: number;
  /** Worker CPU, % of one core. */
  workerCpuPct: number;
  /** Worker CPU / N, % of one core per consumer. */
  cpuPerConsumerPct: number;
  /** Worker CPU per packet it had to forward (producer packets x N), microseconds. */
  usPerForwardedPacket: number;
  producerPps: number;
  producerMbps: number;
  /** Packets the producer received during the window. */
  producerPackets: number;
  /** Ingest loss ffmpeg -> worker seen by the producer (RTP sequence gaps). */
  producerLostPackets: number;
  expectedPackets: number;
  receivedPackets: number;
  /**
   * Packets lost in the window, from the sinks' RTP sequence numbers: sum over consumers of
   * (expected - received) / expected. Robust to the sink process reading its buffers late.
   */
  lossPct: number;
  /** received / (producer packets x N) in the window, %: below 100 also when sinks lag behind. */
  deliveryPct: number;
  /**
   * 1 - sink packets / consumer-sent packets, between quiescent points around the step (producer
   * paused): loss after the worker sent (kernel buffers, sink process), not inside the SFU.
   */
  sinkSideLossPct: number;
  /** Consumers whose stream advanced by less than half the producer's packets in the window. */
  starvedConsumers: number;
  sinkMbps: number;
  sinkCpuPct: number;
  ffmpegCpuPct: number;
  /** Whole machine busy, % of all cores (other tenants included). */
  machineBusyPct: number;
  /**
   * Machine CPU not used by this step's own processes (worker, sinks, ffmpeg, this process), in %
   * of one core: other tenants, plus the idle variant (~1-2%).
   */
  otherLoadPct: number;
  /** ffmpeg -> worker loss seen by the producer (kernel drops at the worker's socket), %. */
  ingestLossPct: number;
  /** Kernel UDP receive-buffer drops (whole machine) during the window. */
  kernelRcvbufDrops: number;
  /** Seconds from resume until every sink had packets (consumers wait for a keyframe). */
  activationS: number;
  /** Ingest rate outside 85-115% of nominal (ffmpeg starved, or bursting to catch up). */
  ingestAbnormal: boolean;
  /**
   * Abnormal ingest while the machine was >= 90% busy and the worker itself was not saturated:
   * the step measured other tenants' load, not the SFU. Neither counts as clean nor stops the sweep.
   */
  contended: boolean;
  /** This is the second try of the step (the first had degraded ingest). */
  retried: boolean;
}

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await p;
  return [value, (t0 + performance.now()) / 2];
}

async function snapshot(v: Variant, sink: ChildRpc): Promise<Snapshot> {
  const [[workerCpuMs, workerAtMs], [stats, producerAtMs], sinkTotals] = await Promise.all([
    timed(v.workerCpuMs()),
    timed(v.producer.getStats()),
    sink.request<SinkTotals>('totals', { group: v.group }),
  ]);
  return {
    workerAtMs,
    producerAtMs,
    workerCpuMs,
    producerPackets: stats.reduce((s, x) => s + x.packetCount, 0),
    producerBytes: stats.reduce((s, x) => s + x.byteCount, 0),
    producerLost: stats.reduce((s, x) => s + x.packetsLost, 0),
    sink: sinkTotals,
    sys: systemCpu(),
    udp: udpCounters(),
    ffmpegCpuMs: processCpuMs(v.ffmpeg.pid ?? -1),
    selfCpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  };
}

/** Packets the worker has sent on all of a variant's consumers (outbound RTP stream stats). */
async function consumerSentPackets(v: Variant): Promise<number> {
  let total = 0;
  await inBatches(v.consumers, 64, async (c) => {
    for (const s of await c.getStats()) if (s.type === 'outbound-rtp') total += s.packetCount;
  });
  return total;
}

/** Resumes the producer and waits until every sink receives (consumers wait for a keyframe). */
async function activate(v: Variant, sink: ChildRpc): Promise<number> {
  const t0 = performance.now();
  const before = (await sink.request<SinkTotals>('totals', { group: v.group })).perSocket;
  await v.resume();
  const deadline = t0 + 6000;
  while (performance.now() < deadline) {
    await sleep(250);
    const now = (await sink.request<SinkTotals>('totals', { group: v.group })).perSocket;
    if (now.every((p, i) => p > (before[i] ?? 0))) break;
  }
  const activationS = secondsSince(t0);
  const rest = opts.warmupS * 1000 - (performance.now() - t0);
  await sleep(Math.max(500, rest));
  return activationS;
}

async function measure(
  v: Variant,
  sink: ChildRpc,
  n: number,
  nominalPps: number,
): Promise<StepResult> {
  // Quiescent counters (producer paused) for the sink-side loss split.
  const sent0 = await consumerSentPackets(v);
  const sinkQ0 = await sink.request<SinkTotals>('totals', { group: v.group });
  const activationS = await activate(v, sink);
  const a = await snapshot(v, sink);
  await sleep(opts.windowS * 1000);
  const b = await snapshot(v, sink);
  await v.pause();
  await sleep(300); // let in-flight packets land
  const sent1 = await consumerSentPackets(v);
  const sinkQ1 = await sink.request<SinkTotals>('totals', { group: v.group });

  const dt = (b.producerAtMs - a.producerAtMs) / 1000;
  const workerDt = (b.workerAtMs - a.workerAtMs) / 1000;
  const sinkDt = (b.sink.atMs - a.sink.atMs) / 1000;
  const producerPackets = b.producerPackets - a.producerPackets;
  const expected = producerPackets * n;
  const received = b.sink.rtpPackets - a.sink.rtpPackets;
  const workerCpuMs = b.workerCpuMs - a.workerCpuMs;
  const workerCpuPct = (workerCpuMs / (workerDt * 1000)) * 100;
  const sentQ = sent1 - sent0;
  let seqExpected = 0;
  for (const [i, e] of b.sink.expectedPerSocket.entries())
    seqExpected += e - (a.sink.expectedPerSocket[i] ?? 0);
  const seqReceived = received;
  const producerPps = producerPackets / dt;
  const machineBusyPct = systemBusyPct(a.sys, b.sys);
  const sinkCpuPct = ((b.sink.cpuMs - a.sink.cpuMs) / (sinkDt * 1000)) * 100;
  const ffmpegCpuPct = ((b.ffmpegCpuMs - a.ffmpegCpuMs) / (dt * 1000)) * 100;
  const selfCpuPct = ((b.selfCpuMs - a.selfCpuMs) / (dt * 1000)) * 100;
  const otherLoadPct = Math.max(
    0,
    machineBusyPct * os.availableParallelism() -
      workerCpuPct -
      sinkCpuPct -
      ffmpegCpuPct -
      selfCpuPct,
  );
  const producerLost = b.producerLost - a.producerLost;
  const ingestLossPct =
    producerPackets + producerLost > 0
      ? (producerLost / (producerPackets + producerLost)) * 100
      : 0;
  const lossPct = seqExpected > 0 ? Math.max(0, (1 - seqReceived / seqExpected) * 100) : Number.NaN;
  // ffmpeg -re starved by other load sends less, then bursts to catch up: either way the step
  // did not see the nominal stream.
  const abnormal =
    Number.isFinite(nominalPps) &&
    (producerPps < 0.85 * nominalPps || producerPps > 1.15 * nominalPps);
  return {
    variant: v.name,
    srtp: v.srtp,
    n,
    windowS: dt,
    workerCpuPct,
    cpuPerConsumerPct: workerCpuPct / n,
    // CPU rate x time of the producer's interval: both intervals are ~windowS long.
    usPerForwardedPacket: expected > 0 ? (workerCpuPct * 10 * dt * 1000) / expected : Number.NaN,
    producerPps,
    producerMbps: ((b.producerBytes - a.producerBytes) * 8) / dt / 1e6,
    producerPackets,
    producerLostPackets: producerLost,
    expectedPackets: expected,
    receivedPackets: received,
    lossPct,
    deliveryPct: expected > 0 ? (received / expected) * 100 : Number.NaN,
    sinkSideLossPct:
      sentQ > 0
        ? Math.max(0, (1 - (sinkQ1.rtpPackets - sinkQ0.rtpPackets) / sentQ) * 100)
        : Number.NaN,
    // Lax on purpose: a busy sink reads late, so its counts trail the producer's by a few hundred ms.
    starvedConsumers: b.sink.expectedPerSocket.filter(
      (e, i) => e - (a.sink.expectedPerSocket[i] ?? 0) < producerPackets * 0.5,
    ).length,
    sinkMbps: ((b.sink.rtpBytes - a.sink.rtpBytes) * 8) / sinkDt / 1e6,
    sinkCpuPct,
    ffmpegCpuPct,
    machineBusyPct,
    kernelRcvbufDrops: b.udp.rcvbufErrors - a.udp.rcvbufErrors,
    activationS,
    ingestAbnormal: abnormal,
    ingestLossPct,
    otherLoadPct,
    contended:
      otherLoadPct >= CONTENTION_CORE_PCT &&
      workerCpuPct < STOP_WORKER_CPU_PCT &&
      (abnormal || ingestLossPct >= 0.5 || lossPct >= CLEAN_LOSS_PCT),
    retried: false,
  };
}

function stepLine(r: StepResult): string {
  return (
    `  ${(r.variant + (r.srtp ? '/srtp' : '')).padEnd(15)} N=${String(r.n).padStart(4)}  worker ${fmt(r.workerCpuPct).padStart(5)}%  ` +
    `${fmt(r.cpuPerConsumerPct, 3)}%/consumer  ${fmt(r.usPerForwardedPacket, 2)} µs/pkt  loss ${fmt(r.lossPct, 2)}% ` +
    `(sink-side ${fmt(r.sinkSideLossPct, 2)}%, delivered ${fmt(r.deliveryPct, 1)}%` +
    `${r.starvedConsumers ? `, ${r.starvedConsumers} starved` : ''})  sink ${fmt(r.sinkMbps)} Mbps cpu ${fmt(r.sinkCpuPct)}%  ` +
    `ingest ${fmt(r.producerMbps, 2)} Mbps${r.ingestAbnormal ? ' ABNORMAL' : ''}` +
    `${r.ingestLossPct > 0 ? ` (ingest loss ${fmt(r.ingestLossPct, 2)}%)` : ''}  machine ${fmt(r.machineBusyPct)}% (others ${fmt(r.otherLoadPct)}% core)` +
    `${r.contended ? '  CONTENDED' : ''}` +
    `${r.kernelRcvbufDrops > 0 ? `  rcvbuf drops ${r.kernelRcvbufDrops}` : ''}${r.retried ? '  (retry)' : ''}`
  );
}

// ---------------------------------------------------------------------------------------------
// Sweep

interface VariantSummary {
  variant: string;
  /** Largest N measured with < 1% loss (and every smaller N clean too). */
  maxCleanN: number;
  /** No failure above maxCleanN except contended steps: the real limit lies beyond it. */
  maxCleanNIsLowerBound: boolean;
  /** Worker CPU / N at maxCleanN (% of one core per consumer). */
  cpuPerConsumerPct: number;
  /** Slope of worker CPU vs N over clean steps (% of one core per extra consumer). */
  marginalCpuPerConsumerPct: number;
  /** Worker CPU with no consumers (fit intercept), % of one core. */
  fixedCpuPct: number;
  /** Median worker CPU per forwarded packet over clean steps with N >= 100 (µs). */
  usPerForwardedPacket: number;
  /** 100 / marginal: consumers one fully busy worker core could feed at this bitrate. */
  projectedConsumersPerCore: number;
  stoppedBecause: string;
  /** N values whose measurement was spoilt by other load (after one retry). */
  contendedN: number[];
}

interface SweepResult {
  label: string;
  srtp: boolean;
  steps: { bare: StepResult[]; porchlight: StepResult[] };
  summary: { bare: VariantSummary; porchlight: VariantSummary };
  ratios: {
    /** PORCHLIGHT/BARE worker CPU at the same N, median over N where both were clean. */
    cpuPerConsumerMedianOfMatchedSteps: number;
    matchedSteps: number;
    marginalCpuPerConsumer: number;
    usPerForwardedPacket: number;
    maxCleanN: number;
  };
}

function summarizeVariant(v: Variant): VariantSummary {
  const sorted = [...v.steps].sort((a, b) => a.n - b.n);
  let maxClean = 0;
  for (const s of sorted) {
    if (s.contended) continue; // says nothing about the SFU either way
    if (isClean(s)) maxClean = s.n;
    else break;
  }
  const clean = sorted.filter((s) => s.n <= maxClean && !s.contended);
  const at = clean[clean.length - 1];
  const fit =
    clean.length >= 2
      ? linearFit(
          clean.map((s) => s.n),
          clean.map((s) => s.workerCpuPct),
        )
      : { slope: at?.cpuPerConsumerPct ?? Number.NaN, intercept: 0 };
  return {
    variant: v.name,
    maxCleanN: maxClean,
    // A lower bound when nothing above it failed for the SFU's own reasons (contended steps say nothing).
    maxCleanNIsLowerBound: maxClean > 0 && !sorted.some((s) => s.n > maxClean && !s.contended),
    cpuPerConsumerPct: at?.cpuPerConsumerPct ?? Number.NaN,
    marginalCpuPerConsumerPct: fit.slope,
    fixedCpuPct: fit.intercept,
    // Larger N amortizes the fixed (ingest) cost; fall back to every clean step for short sweeps.
    usPerForwardedPacket: median(
      (clean.some((s) => s.n >= 100) ? clean.filter((s) => s.n >= 100) : clean).map(
        (s) => s.usPerForwardedPacket,
      ),
    ),
    projectedConsumersPerCore: fit.slope > 0 ? 100 / fit.slope : Number.NaN,
    stoppedBecause: v.done ?? 'end of sweep',
    contendedN: v.steps.filter((s) => s.contended).map((s) => s.n),
  };
}

async function runSweep(
  label: string,
  srtp: boolean,
  steps: number[],
  clip: string,
  sink: ChildRpc,
  deadline: number,
): Promise<SweepResult> {
  console.log(
    `[fanout] sweep "${label}": ${srtp ? 'SRTP' : 'plain RTP'} consumers, N = ${steps.join(', ')}`,
  );
  const variants: Variant[] = [];
  try {
    variants.push(await bareVariant(label, srtp, clip));
    variants.push(await porchlightVariant(label, srtp, clip));
    // Start paused; each step resumes only the variant it measures.
    for (const v of variants) await v.pause();
    console.log(
      `[fanout] workers: ${variants.map((v) => `${v.name}=${v.workerPid}`).join(' ')}, sink pid ${sink.pid}`,
    );
    for (const [k, n] of steps.entries()) {
      // Alternate the order (ABBA...) so drift and noise do not favour one variant.
      const order = k % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        if (v.done) continue;
        if (performance.now() > deadline) {
          v.done = `time budget reached before N=${n}`;
          continue;
        }
        const ports = await sink.request<number[]>(
          'open',
          { group: v.group, count: n - v.consumers.length },
          60_000,
        );
        await v.addConsumers(ports);
        // Both variants stream the same clip: their normal steps define the nominal packet rate.
        const nominal = median(
          variants.flatMap((x) =>
            x.steps.filter((s) => !s.ingestAbnormal).map((s) => s.producerPps),
          ),
        );
        let r = await measure(v, sink, n, nominal);
        if (r.contended && performance.now() < deadline) {
          console.log(`${stepLine(r)}  -> other load starved the stream; measuring again`);
          await sleep(2000);
          r = { ...(await measure(v, sink, n, nominal)), retried: true };
        }
        v.steps.push(r);
        console.log(stepLine(r));
        if (r.contended) continue; // no verdict on this N; carry on
        if (r.lossPct > STOP_LOSS_PCT)
          v.done = `loss ${fmt(r.lossPct, 1)}% > ${STOP_LOSS_PCT}% at N=${n}`;
        else if (r.starvedConsumers > n * 0.05)
          v.done = `${r.starvedConsumers} consumers starved at N=${n}`;
        else if (r.workerCpuPct > STOP_WORKER_CPU_PCT)
          v.done = `worker CPU ${fmt(r.workerCpuPct)}% at N=${n}`;
      }
      if (variants.every((v) => v.done)) break;
    }
  } finally {
    for (const v of variants)
      await v.close().catch((e: unknown) => console.error('[fanout] close failed', e));
  }
  const [bare, ours] = variants as [Variant, Variant];
  const sb = summarizeVariant(bare);
  const sp = summarizeVariant(ours);
  const matched = bare.steps
    .map((b) => ({ b, p: ours.steps.find((p) => p.n === b.n) }))
    .filter((x): x is { b: StepResult; p: StepResult } => !!x.p && isClean(x.b) && isClean(x.p));
  return {
    label,
    srtp,
    steps: { bare: bare.steps, porchlight: ours.steps },
    summary: { bare: sb, porchlight: sp },
    ratios: {
      cpuPerConsumerMedianOfMatchedSteps: median(
        matched.map(({ b, p }) => ratio(p.workerCpuPct, b.workerCpuPct)),
      ),
      matchedSteps: matched.length,
      marginalCpuPerConsumer: ratio(sp.marginalCpuPerConsumerPct, sb.marginalCpuPerConsumerPct),
      usPerForwardedPacket: ratio(sp.usPerForwardedPacket, sb.usPerForwardedPacket),
      maxCleanN: ratio(sp.maxCleanN, sb.maxCleanN),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const lb = (s: VariantSummary): string => `${s.maxCleanN}${s.maxCleanNIsLowerBound ? '+' : ''}`;

function stepRows(sw: SweepResult): (string | number)[][] {
  return [...sw.steps.bare, ...sw.steps.porchlight]
    .sort((a, b) => a.n - b.n || a.variant.localeCompare(b.variant))
    .map((r) => [
      r.n,
      r.variant,
      fmt(r.workerCpuPct),
      fmt(r.cpuPerConsumerPct, 3),
      fmt(r.usPerForwardedPacket, 2),
      fmt(r.lossPct, 2) +
        (r.sinkSideLossPct >= 0.01 ? ` (sink ${fmt(r.sinkSideLossPct, 2)})` : '') +
        (r.starvedConsumers ? ` ⚠${r.starvedConsumers} starved` : ''),
      fmt(r.sinkMbps),
      fmt(r.sinkCpuPct),
      fmt(r.producerMbps, 2) +
        (r.ingestLossPct > 0 ? ` (loss ${fmt(r.ingestLossPct, 2)})` : '') +
        (r.ingestAbnormal ? ' ⚠' : ''),
      fmt(r.otherLoadPct, 0) + (r.contended ? ' ⚠contended' : ''),
    ]);
}

const STEP_HEADERS = [
  'N',
  'variant',
  'worker CPU %',
  'CPU/consumer (% core)',
  'µs/pkt',
  'loss % (sink-side)',
  'sink Mbps',
  'sink CPU %',
  'ingest Mbps (loss %)',
  'other load (% core)',
];

function summaryTable(sw: SweepResult): string {
  return mdTable(
    [
      'variant',
      'max N (<1% loss)',
      'CPU/consumer at max N',
      'marginal CPU/consumer',
      'µs/pkt',
      'projected consumers/core',
      'stopped',
    ],
    [sw.summary.bare, sw.summary.porchlight].map((s) => [
      s.variant,
      lb(s),
      fmt(s.cpuPerConsumerPct, 3),
      fmt(s.marginalCpuPerConsumerPct, 3),
      fmt(s.usPerForwardedPacket, 2),
      fmt(s.projectedConsumersPerCore, 0),
      s.stoppedBecause + (s.contendedN.length ? `; N=${s.contendedN.join(',')} contended` : ''),
    ]),
  );
}

function ratioLine(sw: SweepResult): string {
  const r = sw.ratios;
  return (
    `PORCHLIGHT/BARE: CPU per consumer ×${fmt(r.cpuPerConsumerMedianOfMatchedSteps, 2)} (median of ${r.matchedSteps} ` +
    `matched N), marginal ×${fmt(r.marginalCpuPerConsumer, 2)}, µs/pkt ×${fmt(r.usPerForwardedPacket, 2)}, ` +
    `max N ×${fmt(r.maxCleanN, 2)}${sw.summary.bare.maxCleanNIsLowerBound || sw.summary.porchlight.maxCleanNIsLowerBound ? ' (a "+" limit is only a lower bound)' : ''}`
  );
}

/** SRTP cost relative to plain RTP at the same N and variant (worker CPU ratio). */
function srtpOverPlain(
  plain: SweepResult,
  srtp: SweepResult,
): { n: number; variant: string; ratio: number }[] {
  const out: { n: number; variant: string; ratio: number }[] = [];
  for (const variant of ['bare', 'porchlight'] as const) {
    for (const s of srtp.steps[variant]) {
      const p = plain.steps[variant].find((x) => x.n === s.n);
      if (p && isClean(p) && isClean(s))
        out.push({ n: s.n, variant, ratio: ratio(s.usPerForwardedPacket, p.usPerForwardedPacket) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const t0 = performance.now();
  // One log line per joined viewer would drown the output (and cost CPU during setup).
  if (!process.env['PORCHLIGHT_LOG_LEVEL']) Logger.setLevel('warn');
  const machine = machineInfo();
  console.log(
    `[fanout] ${machine.cpuModel} x${machine.nproc}, node ${machine.nodeVersion}, load ${machine.loadAvg1.toFixed(2)}; ` +
      `window ${opts.windowS}s, warm-up ${opts.warmupS}s, ${opts.liveEncode ? 'live x264' : 'pre-encoded clip (-c copy)'}, ` +
      `budget ${opts.budgetS}s`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-fanout-'));
  const sink = ChildRpc.fork(path.join(here, 'lib/udpSinkChild.ts'));
  let primary: SweepResult;
  let check: SweepResult | undefined;
  try {
    const clip = opts.liveEncode ? '' : prepareClip(tmp);
    await sink.waitEvent('ready');
    // The main sweep gets ~75% of the budget; the SRTP check what is left.
    const mainDeadline =
      t0 + opts.budgetS * 1000 * (opts.srtpCheck.length && !opts.srtp ? 0.75 : 1);
    primary = await runSweep(
      opts.srtp ? 'srtp' : 'plain',
      opts.srtp,
      opts.steps,
      clip,
      sink,
      mainDeadline,
    );
    if (opts.srtpCheck.length && !opts.srtp && secondsSince(t0) < opts.budgetS - 30) {
      check = await runSweep(
        'srtp-check',
        true,
        opts.srtpCheck,
        clip,
        sink,
        t0 + opts.budgetS * 1000,
      );
    }
  } finally {
    await sink.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const durationSeconds = secondsSince(t0);
  const srtpRatios = check ? srtpOverPlain(primary, check) : [];
  const srtpRatio = median(srtpRatios.map((r) => r.ratio));
  const bareRef = primary.summary.bare;
  const ingest = median(
    [...primary.steps.bare, ...primary.steps.porchlight].map((s) => s.producerMbps),
  );

  const md: string[] = [
    `One ~${fmt(ingest, 2)} Mbps H264 720p30 producer (ffmpeg → plain RTP) fanned out to N ` +
      `${primary.srtp ? 'SRTP' : 'plain-RTP'} consumers on ONE worker; UDP sinks in a child process on the same ` +
      `${machine.nproc}-core machine; ${opts.windowS} s window per step, variants alternated. ` +
      `"loss" = RTP sequence gaps seen by the sinks in the window; "(sink …)" = part lost after the worker ` +
      `sent it (consumer stats vs sink counts); "starved" = consumers whose stream did not advance; ` +
      `ingest loss = ffmpeg→worker drops, which every consumer inherits. "other load" = machine CPU not used by ` +
      `this bench (other tenants); "contended" steps (other load ≥ ${CONTENTION_CORE_PCT}% of a core while the ` +
      `step had trouble and the worker was not saturated, after one retry) count neither as clean nor as failures.`,
    '',
    mdTable(STEP_HEADERS, stepRows(primary)),
    '',
    summaryTable(primary),
    '',
    ratioLine(primary) + '.',
  ];
  if (check) {
    md.push(
      '',
      `SRTP check (consumers encrypt with ${SRTP_SUITE}, as WebRTC does):`,
      '',
      mdTable(STEP_HEADERS, stepRows(check)),
      '',
      `SRTP/plain worker cost per packet ×${fmt(srtpRatio, 2)} (median of ${srtpRatios.length} matched steps); ` +
        `${ratioLine(check)}.`,
    );
  }
  md.push(
    '',
    `mediasoup's guide: ~500 consumers per worker (one core) for WebRTC consumers. Projected from the ` +
      `marginal CPU per consumer at this ~1 Mbps stream: bare ≈ ${fmt(bareRef.projectedConsumersPerCore, 0)} ` +
      `(porchlight ≈ ${fmt(primary.summary.porchlight.projectedConsumersPerCore, 0)}) plain-RTP consumers per core` +
      (check
        ? `, ≈ ${fmt(check.summary.bare.projectedConsumersPerCore, 0)} ` +
          `(porchlight ≈ ${fmt(check.summary.porchlight.projectedConsumersPerCore, 0)}) with SRTP`
        : '') +
      `. Sinks send no RTCP feedback and there is no congestion control, so real WebRTC viewers cost ` +
      `somewhat more; SRTP cost depends on the worker build's libsrtp crypto backend.`,
  );

  recordResult(
    'fanout',
    {
      options: opts,
      main: primary,
      srtpCheck: check ?? null,
      srtpOverPlain: { perStep: srtpRatios, median: srtpRatio },
    },
    md.join('\n'),
    { durationSeconds, machine },
  );

  console.log('\n=== fan-out summary ===');
  for (const sw of check ? [primary, check] : [primary]) {
    console.log(`  [${sw.label}]`);
    for (const s of [sw.summary.bare, sw.summary.porchlight]) {
      console.log(
        `  ${s.variant.padEnd(10)} max N with <1% loss: ${lb(s).padEnd(5)} CPU/consumer there ${fmt(s.cpuPerConsumerPct, 3)}% ` +
          `of a core, marginal ${fmt(s.marginalCpuPerConsumerPct, 3)}% (fixed ${fmt(s.fixedCpuPct)}%), ` +
          `${fmt(s.usPerForwardedPacket, 2)} µs/pkt → ~${fmt(s.projectedConsumersPerCore, 0)} consumers per busy core ` +
          `[stopped: ${s.stoppedBecause}${s.contendedN.length ? `; contended at N=${s.contendedN.join(',')}` : ''}]`,
      );
    }
    console.log(`  ${ratioLine(sw)}`);
  }
  if (check) console.log(`  SRTP/plain worker cost per packet ×${fmt(srtpRatio, 2)}`);
  console.log(
    `  mediasoup quotes ~500 consumers per worker core for WebRTC consumers (SRTP, BWE, RTCP feedback). ` +
      `Plain-RTP sinks send no feedback, so these per-consumer costs are a lower bound for WebRTC viewers.`,
  );
  console.log(
    '  Caveat: sinks, ffmpeg and both workers share this machine with other tenants; loss can come from the sink ' +
      'process (see sink-side loss and sink CPU) rather than the SFU, and "machine busy" shows contention.',
  );
  console.log(
    `[fanout] done in ${durationSeconds.toFixed(0)} s; results in bench/results/latest.{json,md}`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[fanout] failed:', error);
    process.exit(1);
  },
);
