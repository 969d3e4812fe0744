/**
 * Socket fuzz against a real server: authenticated sockets send seeded random sequences of valid
 * and near-valid requests (and disconnect in the middle of some) while an honest camera and viewer
 * (the SDK over real WebRTC) share the room. Returns what the caller asserts: every ack ok or a
 * named code other than INTERNAL, no unhandled errors, no leaked mediasoup objects once the fuzz
 * sockets are gone, and the honest viewer's decoded frames at each tenth of the run.
 */
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { PorchlightClient } from '@porchlight/sdk';
import { ErrorCode, REQUEST_NAMES, RequestSchemas, type Ack } from '@porchlight/protocol';
import {
  fakeVp8RtpParameters,
  TEST_SOCKET_OPTIONS,
  vp8RtpCapabilities,
} from '../../../tests/support/rawClient.ts';
import type { TestServer } from '../../../tests/support/testServer.ts';
import { until } from '../../../tests/support/until.ts';
import {
  frameCounter,
  installWrtcGlobals,
  syntheticCamera,
  YUV,
} from '../../../tests/support/wrtc.ts';
import { extra, mediasoupObjects } from './mediasoupObjects.ts';
import { hostileString, mixed } from './zodArbitrary.ts';

export interface SocketFuzzOptions {
  seed: number;
  messages: number;
  sockets: number;
  /** Per-socket pace below the server's 50 requests/s limit (0: as fast as acks come). */
  perSocketRate?: number;
  /** Called at each tenth of the run (messages sent so far). */
  onProgress?: (sent: number) => void;
}

export interface SocketFuzzResult {
  messages: number;
  durationMs: number;
  /** Acks by outcome: 'ok', an error code, 'noAck' (dropped by design), 'disconnected'. */
  outcomes: Record<string, number>;
  /** Requests answered INTERNAL or not at all while connected (bugs), with their payloads. */
  bugs: { event: string; payload: string; outcome: string }[];
  disconnects: number;
  /** Decoded frames of the honest viewer at each tenth of the run. */
  frames: number[];
  /** mediasoup objects left beyond the honest pair's after all fuzz sockets closed. */
  leaked: { transports: number; producers: number; consumers: number };
  unhandled: string[];
  workerAlive: boolean;
  /** State changes of the honest pair's clients and subscription (a reconnect shows here). */
  honestEvents: string[];
}

interface Command {
  event: string;
  payload: unknown;
  pick: number;
  /** 0..99: <3 disconnect mid-request, <5 no ack, <7 unknown event, <9 extra argument. */
  twist: number;
  /** Use a known id (or canned rtp parameters) instead of the generated one. */
  useKnown: boolean;
}

const commandArb: fc.Arbitrary<Command> = fc.constantFrom(...REQUEST_NAMES).chain((event) =>
  fc.record({
    event: fc.constant<string>(event),
    payload: mixed(RequestSchemas[event]),
    pick: fc.nat(),
    twist: fc.nat({ max: 99 }),
    useKnown: fc.boolean(),
  }),
);

const ID_FIELDS = {
  transportId: 'transports',
  producerId: 'producers',
  consumerId: 'consumers',
} as const;

interface Known {
  transports: string[];
  producers: string[];
  consumers: string[];
}

function withKnownIds(c: Command, known: Known): unknown {
  const p = c.payload;
  if (!c.useKnown || !p || typeof p !== 'object' || Array.isArray(p)) return p;
  const out: Record<string, unknown> = { ...(p as Record<string, unknown>) };
  for (const [field, list] of Object.entries(ID_FIELDS)) {
    const ids = known[list];
    if (field in out && ids.length) out[field] = ids[c.pick % ids.length];
  }
  if (c.event === 'produce') {
    out['rtpParameters'] = fakeVp8RtpParameters(1000 + (c.pick % 1_000_000));
    out['kind'] = 'video';
  }
  if (c.event === 'consume') out['rtpCapabilities'] = vp8RtpCapabilities;
  return out;
}

/** Sends one request; resolves with its outcome and remembers ids the server handed out. */
function emit(
  socket: Socket,
  event: string,
  args: unknown[],
  timeoutMs: number,
  known?: Known,
): Promise<string> {
  return new Promise((resolve) => {
    const done = (outcome: string): void => {
      clearTimeout(timer);
      socket.off('disconnect', onDisconnect);
      resolve(outcome);
    };
    const onDisconnect = (): void => done('disconnected');
    const timer = setTimeout(() => done(socket.connected ? 'timeout' : 'disconnected'), timeoutMs);
    socket.once('disconnect', onDisconnect);
    socket.emit(event, ...args, (ack: Ack<unknown>) => {
      if (ack && typeof ack === 'object' && ack.ok === true) {
        const d = (ack.data ?? {}) as Record<string, unknown>;
        if (known && event === 'createTransport' && typeof d['id'] === 'string')
          known.transports.push(d['id']);
        if (known && event === 'produce' && typeof d['producerId'] === 'string')
          known.producers.push(d['producerId']);
        if (known && event === 'consume' && typeof d['id'] === 'string')
          known.consumers.push(d['id']);
        done('ok');
      } else if (ack && typeof ack === 'object' && ack.ok === false) done(ack.error.code);
      else done('malformedAck');
    });
  });
}

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, ...TEST_SOCKET_OPTIONS });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

function sdkClient(ts: TestServer, token: string): PorchlightClient {
  return new PorchlightClient({
    url: ts.url,
    token,
    device: { handlerName: 'Chrome111' },
    socketOptions: { rejectUnauthorized: false },
  });
}

export async function runSocketFuzz(
  ts: TestServer,
  o: SocketFuzzOptions,
): Promise<SocketFuzzResult> {
  installWrtcGlobals();
  const unhandled: string[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(String((e as Error)?.stack ?? e));
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const workerPid = ts.server.pool.slots[0]!.worker.pid;
  const cleanup: (() => void)[] = [];
  try {
    // The honest pair.
    const cam = sdkClient(ts, await ts.mint('camera', { label: 'Honest camera' }));
    cleanup.push(() => cam.close());
    await cam.connect();
    const source = syntheticCamera(320, 240, YUV.red, 15);
    cleanup.push(source.stop);
    await cam.publish(source.track, { source: 'camera', simulcast: false });
    const viewer = sdkClient(ts, await ts.mint('viewer'));
    cleanup.push(() => viewer.close());
    await viewer.connect();
    const info = await until(
      () => viewer.producers.find((p) => p.source === 'camera'),
      'the honest camera',
      30_000,
    );
    const honestEvents: string[] = [];
    const note = (who: string) => (state: unknown) =>
      honestEvents.push(`${Date.now() - honestStart}ms ${who} ${String(state)}`);
    const honestStart = Date.now();
    cam.on('stateChanged', note('camera'));
    viewer.on('stateChanged', note('viewer'));
    const sub = await viewer.watch(info.producerId);
    sub.on('stateChanged', note('subscription'));
    const counter = frameCounter(sub.track!);
    cleanup.push(counter.stop);
    await until(
      () => (counter.state.frames >= 10 ? true : undefined),
      'first honest frames',
      30_000,
    );
    const baseline = await mediasoupObjects(ts);

    // The fuzz sockets: half cameras, half viewers; each reconnects after a disconnect.
    const tokens = await Promise.all(
      Array.from({ length: o.sockets }, (_, i) => ts.mint(i % 2 ? 'viewer' : 'camera')),
    );
    const outcomes: Record<string, number> = {};
    const bugs: SocketFuzzResult['bugs'] = [];
    const frames: number[] = [counter.state.frames];
    let sent = 0;
    let disconnects = 0;
    const started = Date.now();
    const perSocket = Math.ceil(o.messages / o.sockets);
    const minGapMs = o.perSocketRate ? 1000 / o.perSocketRate : 0;
    const open = new Set<Socket>();

    const fuzzOne = async (index: number): Promise<void> => {
      const known: Known = { transports: [], producers: [], consumers: [] };
      let socket: Socket | undefined;
      const fresh = async (): Promise<Socket> => {
        // Access tokens live 10 minutes; a long run under load outlives them: mint afresh.
        const s = await connect(ts.url, tokens[index]!).catch(async () => {
          tokens[index] = await ts.mint(index % 2 ? 'viewer' : 'camera');
          return connect(ts.url, tokens[index]!);
        });
        open.add(s);
        s.on('producerAdded', (p: { producerId: string }) => known.producers.push(p.producerId));
        s.on('disconnect', () => open.delete(s));
        // Most sequences start joined; a few fuzz the unjoined state.
        if (index % 8 !== 7) await emit(s, 'join', [{}], 10_000);
        return s;
      };
      for (let chunk = 0; chunk * 200 < perSocket; chunk++) {
        const commands = fc.sample(commandArb, {
          numRuns: Math.min(200, perSocket - chunk * 200),
          seed: o.seed + index * 7919 + chunk,
        });
        for (const c of commands) {
          if (!socket?.connected) socket = await fresh();
          const t0 = Date.now();
          const payload = withKnownIds(c, known);
          sent++;
          if (sent % Math.ceil(o.messages / 10) === 0) {
            frames.push(counter.state.frames);
            o.onProgress?.(sent);
          }
          let outcome: string;
          if (c.twist < 3) {
            socket.emit(c.event, payload, () => {});
            socket.disconnect();
            disconnects++;
            outcome = 'disconnectedMidRequest';
          } else if (c.twist < 5) {
            socket.emit(c.event, payload);
            outcome = 'noAck';
          } else if (c.twist < 7) {
            outcome = await emit(
              socket,
              (await fc.sample(hostileString, { numRuns: 1, seed: c.pick }))[0]!.slice(0, 100),
              [payload],
              10_000,
            );
          } else if (c.twist < 9) {
            outcome = await emit(socket, c.event, [payload, { extra: true }], 10_000);
          } else {
            outcome = await emit(socket, c.event, [payload], 10_000, known);
          }
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          if (outcome === ErrorCode.Internal || outcome === 'timeout' || outcome === 'malformedAck')
            bugs.push({
              event: c.event,
              payload: JSON.stringify(payload)?.slice(0, 500) ?? '',
              outcome,
            });
          const wait = minGapMs - (Date.now() - t0);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }
      socket?.close();
    };
    await Promise.all(Array.from({ length: o.sockets }, (_, i) => fuzzOne(i)));
    const durationMs = Date.now() - started;
    for (const s of open) s.close();

    // Every fuzz socket is gone: the routers hold the honest pair's objects only.
    let leaked = { transports: -1, producers: -1, consumers: -1 };
    await until(
      async () => {
        const now = await mediasoupObjects(ts);
        leaked = {
          transports: extra(now.transports, baseline.transports),
          producers: extra(now.producers, baseline.producers),
          consumers: extra(now.consumers, baseline.consumers),
        };
        return leaked.transports + leaked.producers + leaked.consumers === 0 ? true : undefined;
      },
      'fuzz sockets’ mediasoup objects to close',
      20_000,
      200,
    ).catch(() => undefined);
    await until(
      () => (counter.state.frames > frames[frames.length - 1]! ? true : undefined),
      'frames after the fuzz',
      15_000,
    ).catch(() => undefined);
    frames.push(counter.state.frames);
    const worker = ts.server.pool.slots[0]!.worker;
    return {
      messages: sent,
      durationMs,
      outcomes,
      bugs,
      disconnects,
      frames,
      leaked,
      unhandled,
      workerAlive: worker.pid === workerPid && !worker.closed,
      honestEvents,
    };
  } finally {
    for (const c of cleanup.reverse()) c();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  }
}
