import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import type { WhepLayerName, WhepLayerRequest } from '@porchlight/protocol';
import type { Room } from '../../media/Room.ts';
import type { WorkerSlot } from '../../media/WorkerPool.ts';
import type { ProducerAppData } from '../../media/Peer.ts';
import { PorchlightError } from '../../errors.ts';
import { writeAnswer, type SendInfo } from './answer.ts';
import { dtlsOf } from './dtls.ts';
import { watchTransport } from './transportWatch.ts';
import { IceResource, type PatchResult } from './IceResource.ts';
import { consumerCapabilities, planView, type MediaPlan } from './negotiate.ts';
import type { SessionDescription } from './sdp.ts';
import { pipeProducer } from './pipe.ts';

const logger = createLogger('WhepSession');

export type WhepSessionEvents = {
  /** Emitted once, when the session ends (DELETE, camera gone, transport failure). */
  close: [];
};

export interface WhepSessionOptions {
  room: Room;
  /** Where the session's own router goes (the least loaded worker). */
  slot: WorkerSlot;
  deviceId: string;
  offer: SessionDescription;
  layer: WhepLayerName | undefined;
  initialOutgoingBitrate: number;
  /** The session ends if its DTLS has not connected by then (config `whip.connectTimeoutMs`). */
  connectTimeoutMs: number;
}

/**
 * One WHEP viewer. mediasoup sends every consumer the router's payload types, but a WHEP viewer
 * makes the offer and must receive its own numbers; so each session gets a small router of its
 * own whose codecs carry the viewer's payload types, and the camera's producers are piped into
 * it (pipe.ts) to be consumed there. Layer selection maps to setPreferredLayers.
 */
export class WhepSession extends EnhancedEventEmitter<WhepSessionEvents> {
  readonly id = randomBytes(18).toString('base64url');
  readonly deviceId: string;
  readonly siteId: string;
  readonly answer: string;
  readonly consumers: types.Consumer[];
  readonly #router: types.Router;
  readonly #ice: IceResource;
  readonly #unwatchTransport: () => void;
  #closed = false;
  readonly #unwatchRoom: () => void;

  private constructor(
    o: WhepSessionOptions,
    router: types.Router,
    transport: types.WebRtcTransport,
    consumers: types.Consumer[],
    answer: string,
    ice: IceResource,
  ) {
    super();
    this.deviceId = o.deviceId;
    this.siteId = o.room.siteId;
    this.#router = router;
    this.consumers = consumers;
    this.answer = answer;
    this.#ice = ice;
    router.observer.once('close', () => this.close());
    this.#unwatchTransport = watchTransport(transport, o.connectTimeoutMs, (reason) => {
      logger.info('WHEP session transport dead, closing', {
        deviceId: this.deviceId,
        reason,
      });
      this.close();
    });
    const onRoomClose = (): void => this.close();
    o.room.once('close', onRoomClose);
    this.#unwatchRoom = () => o.room.off('close', onRoomClose);
    // The camera went away: its consumers close; when none is left the session ends.
    for (const c of consumers)
      c.observer.once('close', () => {
        if (consumers.every((x) => x.closed)) this.close();
      });
  }

  static async create(o: WhepSessionOptions): Promise<WhepSession> {
    await o.room.ready();
    const producers = o.room
      .producersOfDevice(o.deviceId)
      .filter((p) => p.appData.source === 'camera' || p.appData.source === 'microphone');
    if (producers.length === 0) throw notLive();
    const sources = producers.map((p) => ({
      kind: p.kind,
      codec: p.rtpParameters.codecs.find((c) => !c.mimeType.toLowerCase().endsWith('/rtx'))!,
      producer: p,
    }));
    const plans = planView(o.offer, sources, o.room.router.rtpCapabilities);
    const accepted = plans.filter((p): p is MediaPlan & { accepted: object } => !!p.accepted);
    const router = await o.slot.worker.createRouter({
      mediaCodecs: accepted.map((p) => ({
        kind: p.accepted.kind,
        mimeType: p.accepted.mimeType as types.RtpCodecCapability['mimeType'],
        clockRate: p.accepted.clockRate,
        preferredPayloadType: p.accepted.pt,
        ...(p.accepted.channels !== undefined ? { channels: p.accepted.channels } : {}),
        parameters: sources.find((s) => s.kind === p.accepted.kind)!.codec.parameters ?? {},
      })),
      appData: { whep: o.deviceId },
    });
    o.slot.routers++;
    router.observer.once('close', () => o.slot.routers--);
    try {
      const transport = await router.createWebRtcTransport({
        webRtcServer: o.slot.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: o.initialOutgoingBitrate,
      });
      const dtls = dtlsOf(o.offer);
      await transport.connect({ dtlsParameters: dtls.remote as types.DtlsParameters });
      const consumers: types.Consumer[] = [];
      const send = new Map<string, SendInfo>();
      const streamId = `porchlight-${o.deviceId}`;
      for (const plan of accepted) {
        const source = sources.find((s) => s.kind === plan.accepted.kind)!;
        const piped = await pipeProducer(o.room.router, router, source.producer);
        const consumer = await transport.consume({
          producerId: piped.id,
          rtpCapabilities: consumerCapabilities(plan),
          paused: false,
          ...(o.layer && source.producer.type === 'simulcast'
            ? { preferredLayers: layersFor(o.layer, source.producer) }
            : {}),
        });
        consumers.push(consumer);
        const encoding = consumer.rtpParameters.encodings![0]!;
        send.set(plan.media.mid!, {
          ssrc: encoding.ssrc!,
          cname: consumer.rtpParameters.rtcp?.cname ?? 'porchlight',
          streamId,
          trackId: `${plan.accepted.kind}-${consumer.id.slice(0, 8)}`,
        });
      }
      const answer = writeAnswer({
        sessionVersion: 1,
        plans,
        transport,
        setup: dtls.localSetup,
        direction: 'sendonly',
        send,
      });
      const first = accepted[0]!.media;
      const ice = new IceResource(transport, dtls.remoteUfrag, {
        kind: first.kind,
        mid: first.mid!,
      });
      // Gone during the awaits above: its consumers are (or are about to be) closed.
      if (cameraGone(o.room, sources)) throw notLive();
      return new WhepSession(o, router, transport, consumers, answer, ice);
    } catch (error) {
      router.close();
      // mediasoup's own errors (producer not found, transport closed) when the camera stopped
      // while this session was being set up: for the viewer, the camera is simply not live.
      if (cameraGone(o.room, sources)) throw notLive();
      throw error;
    }
  }

  get etag(): string {
    return this.#ice.etag;
  }
  get closed(): boolean {
    return this.#closed;
  }
  /** Whether the camera sends layers to choose from. */
  get hasLayers(): boolean {
    return this.consumers.some((c) => c.type === 'simulcast' || c.type === 'svc');
  }

  patch(fragment: string, ifMatch: string | undefined): Promise<PatchResult> {
    return this.#ice.patch(fragment, ifMatch);
  }

  /** Prefers a simulcast layer on the video consumer. */
  async selectLayer(req: WhepLayerRequest): Promise<void> {
    const video = this.consumers.find((c) => c.kind === 'video' && !c.closed);
    if (!video || (video.type !== 'simulcast' && video.type !== 'svc'))
      throw PorchlightError.conflict('this camera sends no layers to choose from');
    const layers =
      'layer' in req
        ? layersForCount(req.layer, video.rtpParameters.encodings?.length ?? 1)
        : {
            spatialLayer: req.spatialLayerId,
            ...(req.temporalLayerId !== undefined ? { temporalLayer: req.temporalLayerId } : {}),
          };
    await video.setPreferredLayers(layers);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatchTransport();
    this.#unwatchRoom();
    this.#router.close();
    logger.info('WHEP session closed', { deviceId: this.deviceId, sessionId: this.id });
    this.safeEmit('close');
  }
}

const notLive = (): PorchlightError => PorchlightError.notFound('live stream of this camera');

function cameraGone(room: Room, sources: { producer: types.Producer }[]): boolean {
  return room.closed || sources.some((s) => s.producer.closed);
}

function layersFor(
  layer: WhepLayerName,
  producer: types.Producer<ProducerAppData>,
): types.ConsumerLayers {
  return layersForCount(layer, producer.rtpParameters.encodings?.length ?? 1);
}

/** low = the first (smallest) encoding, high = the last, medium = the middle one. */
function layersForCount(layer: WhepLayerName, count: number): types.ConsumerLayers {
  const top = Math.max(0, count - 1);
  const spatialLayer = layer === 'low' ? 0 : layer === 'high' ? top : Math.floor(top / 2);
  return { spatialLayer };
}
