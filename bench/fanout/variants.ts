/**
 * The two variants the fan-out bench compares: bare mediasoup, and the server's Room.
 */
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { ChildProcess } from 'node:child_process';
import type { RequestOf } from '@porchlight/protocol';
import { Peer } from '../../server/src/media/Peer.ts';
import { startTestServer } from '../../tests/support/testServer.ts';
import { sleep } from '../lib/resources.ts';
import type { StepResult } from './measure.ts';
import { createWorkerFrom } from './workerBin.ts';
import {
  BARE_CODECS,
  connectToSink,
  CONSUMER_CAPS,
  consumerTransportOptions,
  producerRtpParameters,
  producerTransport,
  startFfmpeg,
  stopProcess,
} from './media.ts';

export interface Variant {
  /** 'bare' | 'porchlight' in the fan-out sweep; the build's label when comparing worker builds. */
  name: string;
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

export const cpuOf = (u: types.WorkerResourceUsage): number => u.ru_utime + u.ru_stime;

/** Runs `fn` over items with at most `limit` in flight. */
export async function inBatches<T>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += limit) {
    await Promise.all(items.slice(i, i + limit).map((item, j) => fn(item, i + j)));
  }
}

/**
 * `build`: spawn this worker binary (see workerBin.ts) and name the variant after it; default: the
 * installed worker, named "bare".
 */
export async function bareVariant(
  sweep: string,
  srtp: boolean,
  clip: string,
  build?: { label: string; bin: string | undefined },
): Promise<Variant> {
  const worker = await createWorkerFrom(build?.bin, { logLevel: 'warn' });
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
    name: build?.label ?? 'bare',
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

export async function porchlightVariant(
  sweep: string,
  srtp: boolean,
  clip: string,
): Promise<Variant> {
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
