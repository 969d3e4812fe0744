import type { types } from 'mediasoup';
import type {
  ConsumerInfo,
  ProducerInfo,
  RequestOf,
  RtpCapabilities,
  Source,
  TransportInfo,
} from '@porchlight/protocol';
import { mayConsume, mayPublish } from './sources.ts';
import { deviceResource } from '../identity/authorization/resources.ts';
import { PorchlightError } from '../errors.ts';
import { EnhancedEventEmitter } from '../util/EnhancedEventEmitter.ts';
import { Logger } from '../util/Logger.ts';
import { mediaCodecs } from './mediaCodecs.ts';
import type { Peer, ProducerAppData } from './Peer.ts';
import type { WorkerPool, WorkerSlot } from './WorkerPool.ts';
import { mediasoupCall } from './mediasoupCall.ts';

const logger = new Logger('Room');

/** Per-peer caps: a client needs one send and one recv transport; the rest is headroom. */
const MAX_TRANSPORTS_PER_PEER = 4;
const MAX_PRODUCERS_PER_PEER = 4;
const MAX_CONSUMERS_PER_PEER = 64;

export interface RoomOptions {
  siteId: string;
  pool: WorkerPool;
  initialOutgoingBitrate: number;
}

export type RoomEvents = {
  /** Emitted once, when the room is closed. */
  close: [];
  /** The room moved to another worker after its worker died. */
  relocated: [workerIndex: number];
  /** A peer started producing (recording attaches here). */
  producer: [producer: types.Producer<ProducerAppData>];
};

/**
 * One site (a home or shop): one mediasoup router where its cameras produce and its viewers
 * consume. When the router's worker dies the room re-creates its router on a live worker and
 * tells every peer to re-establish media (mediaReset) while signaling stays up.
 */
export class Room extends EnhancedEventEmitter<RoomEvents> {
  readonly siteId: string;
  readonly #pool: WorkerPool;
  readonly #options: RoomOptions;
  readonly #peers = new Map<string, Peer>();
  #slot: WorkerSlot;
  #router: types.Router;
  /** Pending while the room relocates to another worker; requests wait on it. */
  #relocation: Promise<void> | undefined;
  #closed = false;

  private constructor(options: RoomOptions, slot: WorkerSlot, router: types.Router) {
    super();
    this.siteId = options.siteId;
    this.#pool = options.pool;
    this.#options = options;
    this.#slot = slot;
    this.#router = router;
    this.#watchRouter();
  }

  static async create(options: RoomOptions): Promise<Room> {
    const { slot, router } = await Room.#placeRouter(options.pool, options.siteId);
    logger.info('room created', { siteId: options.siteId, worker: slot.index });
    return new Room(options, slot, router);
  }

  static async #placeRouter(
    pool: WorkerPool,
    siteId: string,
  ): Promise<{ slot: WorkerSlot; router: types.Router }> {
    const slot = await pool.acquire();
    const router = await slot.worker.createRouter({ mediaCodecs, appData: { siteId } });
    slot.routers++;
    router.observer.once('close', () => slot.routers--);
    return { slot, router };
  }

  get closed(): boolean {
    return this.#closed;
  }
  get peerCount(): number {
    return this.#peers.size;
  }
  get workerIndex(): number {
    return this.#slot.index;
  }
  get workerPid(): number {
    return this.#slot.worker.pid;
  }
  /** The current router (replaced after a worker death); for monitoring and benchmarks. */
  get router(): types.Router {
    return this.#router;
  }
  get rtpCapabilities(): RtpCapabilities {
    return this.#router.rtpCapabilities as RtpCapabilities;
  }

  async ready(): Promise<void> {
    if (this.#relocation) await this.#relocation;
    if (this.#closed) throw PorchlightError.unavailable('site is closed');
  }

  /** Adds a peer; returns the producers it may consume right now. */
  join(peer: Peer): ProducerInfo[] {
    if (this.#closed) throw PorchlightError.unavailable('site is closed');
    this.#peers.set(peer.id, peer);
    logger.info('peer joined', { siteId: this.siteId, peerId: peer.id, role: peer.role });
    return this.#visibleProducers(peer);
  }

  leave(peer: Peer): void {
    if (!this.#peers.delete(peer.id)) return;
    peer.close();
    logger.info('peer left', { siteId: this.siteId, peerId: peer.id });
    if (this.#peers.size === 0) this.close();
  }

  async createTransport(peer: Peer, req: RequestOf<'createTransport'>): Promise<TransportInfo> {
    await this.ready();
    if (peer.transports.size >= MAX_TRANSPORTS_PER_PEER)
      throw PorchlightError.conflict('too many transports');
    const transport = await this.#router.createWebRtcTransport({
      webRtcServer: this.#slot.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: this.#options.initialOutgoingBitrate,
      appData: { direction: req.direction },
    });
    peer.transports.set(transport.id, transport);
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates as TransportInfo['iceCandidates'],
      dtlsParameters: transport.dtlsParameters as TransportInfo['dtlsParameters'],
    };
  }

  async connectTransport(peer: Peer, req: RequestOf<'connectTransport'>): Promise<void> {
    await this.ready();
    const transport = peer.transport(req.transportId);
    await mediasoupCall(() =>
      transport.connect({ dtlsParameters: req.dtlsParameters as types.DtlsParameters }),
    );
  }

  async restartIce(
    peer: Peer,
    req: RequestOf<'restartIce'>,
  ): Promise<{ iceParameters: types.IceParameters }> {
    await this.ready();
    const iceParameters = await peer.transport(req.transportId).restartIce();
    return { iceParameters };
  }

  async produce(peer: Peer, req: RequestOf<'produce'>): Promise<{ producerId: string }> {
    await this.ready();
    if (!mayPublish(peer.role, req.source, req.kind)) {
      throw PorchlightError.forbidden(
        `a ${peer.role} may not publish ${req.kind} as ${req.source}`,
      );
    }
    const transport = peer.transport(req.transportId);
    if (transport.appData['direction'] !== 'send')
      throw PorchlightError.badRequest('transport is not a send transport');
    if (peer.producers.size >= MAX_PRODUCERS_PER_PEER)
      throw PorchlightError.conflict('too many producers');
    const denial = this.#publishDenial(peer, req.source, req.targetPeerId);
    if (denial) throw denial;
    const appData: ProducerAppData = {
      source: req.source,
      peerId: peer.id,
      deviceId: peer.deviceId,
      label: peer.label,
      targetPeerId: req.targetPeerId,
    };
    const producer = await mediasoupCall(() =>
      transport.produce<ProducerAppData>({
        kind: req.kind,
        rtpParameters: req.rtpParameters as types.RtpParameters,
        paused: req.paused ?? false,
        appData,
      }),
    );
    peer.producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      peer.producers.delete(producer.id);
      // During relocation every peer gets one mediaReset instead of a storm of closes.
      if (!this.#relocation && !this.#closed)
        this.#broadcast(producer, 'producerClosed', { producerId: producer.id });
    });
    producer.observer.on('pause', () =>
      this.#broadcast(producer, 'producerPaused', { producerId: producer.id }),
    );
    producer.observer.on('resume', () =>
      this.#broadcast(producer, 'producerResumed', { producerId: producer.id }),
    );
    this.#broadcast(producer, 'producerAdded', producerInfo(producer));
    this.safeEmit('producer', producer);
    logger.debug('producer created', {
      peerId: peer.id,
      producerId: producer.id,
      source: req.source,
    });
    return { producerId: producer.id };
  }

  async consume(peer: Peer, req: RequestOf<'consume'>): Promise<ConsumerInfo> {
    await this.ready();
    const producer = this.findProducer(req.producerId);
    if (!this.#mayConsume(peer, producer)) {
      throw PorchlightError.forbidden('not allowed to consume this producer');
    }
    const transport = peer.transport(req.transportId);
    if (transport.appData['direction'] !== 'recv')
      throw PorchlightError.badRequest('transport is not a recv transport');
    if (peer.consumers.size >= MAX_CONSUMERS_PER_PEER)
      throw PorchlightError.conflict('too many consumers');
    const rtpCapabilities = req.rtpCapabilities as types.RtpCapabilities;
    const canConsume = await mediasoupCall(async () =>
      this.#router.canConsume({ producerId: producer.id, rtpCapabilities }),
    );
    if (!canConsume)
      throw PorchlightError.badRequest('rtpCapabilities cannot receive this producer');
    const consumer = await mediasoupCall(() =>
      transport.consume({ producerId: producer.id, rtpCapabilities, paused: true }),
    );
    peer.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => peer.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      if (!this.#relocation) peer.notify('consumerClosed', { consumerId: consumer.id });
    });
    consumer.on('layerschange', (layers) =>
      peer.notify('consumerLayersChanged', {
        consumerId: consumer.id,
        spatialLayer: layers?.spatialLayer ?? null,
      }),
    );
    return {
      id: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as ConsumerInfo['rtpParameters'],
      type: consumer.type,
    };
  }

  /** Producers published by one device (monitoring and tests). */
  producersOfDevice(deviceId: string): types.Producer<ProducerAppData>[] {
    const out: types.Producer<ProducerAppData>[] = [];
    for (const p of this.#peers.values()) {
      for (const producer of p.producers.values())
        if (producer.appData.deviceId === deviceId) out.push(producer);
    }
    return out;
  }

  /** Consumers of one producer across the site's peers (monitoring and tests). */
  consumersOf(producerId: string): types.Consumer[] {
    const out: types.Consumer[] = [];
    for (const p of this.#peers.values()) {
      for (const c of p.consumers.values()) if (c.producerId === producerId) out.push(c);
    }
    return out;
  }

  /** Every producer of this site, by id; other sites' ids are simply not found. */
  findProducer(producerId: string): types.Producer<ProducerAppData> {
    const producer = this.#producerById(producerId);
    if (!producer) throw PorchlightError.notFound('producer');
    return producer;
  }

  #visibleProducers(peer: Peer): ProducerInfo[] {
    const out: ProducerInfo[] = [];
    for (const other of this.#peers.values()) {
      for (const producer of other.producers.values()) {
        if (this.#mayConsume(peer, producer)) out.push(producerInfo(producer));
      }
    }
    return out;
  }

  /** Sends a producer event to every peer that may consume it. */
  #broadcast<K extends 'producerAdded' | 'producerClosed' | 'producerPaused' | 'producerResumed'>(
    producer: types.Producer<ProducerAppData>,
    name: K,
    payload: K extends 'producerAdded' ? ProducerInfo : { producerId: string },
  ): void {
    for (const peer of this.#peers.values()) {
      if (this.#mayConsume(peer, producer)) {
        (peer.notify as (n: string, p: unknown) => void)(name, payload);
      }
    }
  }

  /** Source semantics (role, addressing) and the Authorizer's permission on the device. */
  #mayConsume(peer: Peer, producer: types.Producer<ProducerAppData>): boolean {
    if (!mayConsume(peer.role, peer.id, factsOf(producer))) return false;
    const a = producer.appData;
    if (a.source === 'talkback') {
      return (
        peer.deviceId !== undefined &&
        peer.can('stream:receive-talk', deviceResource(this.siteId, peer.deviceId))
      );
    }
    return (
      a.deviceId !== undefined &&
      peer.can('stream:view-live', deviceResource(this.siteId, a.deviceId))
    );
  }

  /**
   * After a peer's permissions changed: closes what it may no longer consume or publish.
   * Returns how many media objects were closed.
   */
  revalidate(peer: Peer): number {
    let closed = 0;
    for (const consumer of [...peer.consumers.values()]) {
      const producer = this.#producerById(consumer.producerId);
      if (!producer || !this.#mayConsume(peer, producer)) {
        consumer.close();
        peer.notify('consumerClosed', { consumerId: consumer.id });
        closed++;
      }
    }
    for (const producer of [...peer.producers.values()]) {
      const ok = !this.#publishDenial(peer, producer.appData.source, producer.appData.targetPeerId);
      if (!ok) {
        producer.close();
        closed++;
      }
    }
    return closed;
  }

  /**
   * Why `peer` may not publish `source` now, or undefined when it may: talk-back is addressed to
   * one camera and needs stream:talk on its device; camera/microphone need stream:publish on the
   * peer's own device. Asked when producing and again when permissions change.
   */
  #publishDenial(
    peer: Peer,
    source: Source,
    targetPeerId: string | undefined,
  ): PorchlightError | undefined {
    if (source === 'talkback') {
      const target = targetPeerId === undefined ? undefined : this.#peers.get(targetPeerId);
      if (!target || target.role !== 'camera' || target.deviceId === undefined) {
        return PorchlightError.notFound('target camera');
      }
      return peer.can('stream:talk', deviceResource(this.siteId, target.deviceId))
        ? undefined
        : PorchlightError.forbidden('not allowed to talk through this camera');
    }
    return peer.deviceId !== undefined &&
      peer.can('stream:publish', deviceResource(this.siteId, peer.deviceId))
      ? undefined
      : PorchlightError.forbidden('not allowed to publish');
  }

  #producerById(id: string): types.Producer<ProducerAppData> | undefined {
    for (const p of this.#peers.values()) {
      const producer = p.producers.get(id);
      if (producer) return producer;
    }
    return undefined;
  }

  #watchRouter(): void {
    const router = this.#router;
    router.observer.once('close', () => {
      if (this.#closed || router !== this.#router) return;
      // The router only closes behind our back when its worker died.
      this.#relocation = this.#relocate().finally(() => (this.#relocation = undefined));
    });
  }

  async #relocate(): Promise<void> {
    const from = this.#slot.index;
    for (const peer of this.#peers.values()) peer.closeMedia();
    try {
      const { slot, router } = await Room.#placeRouter(this.#pool, this.siteId);
      if (this.#closed) {
        router.close();
        return;
      }
      this.#slot = slot;
      this.#router = router;
      this.#watchRouter();
      logger.warn('room relocated after worker death', {
        siteId: this.siteId,
        from,
        to: slot.index,
      });
      this.safeEmit('relocated', slot.index);
      for (const peer of this.#peers.values()) {
        peer.notify('mediaReset', {
          reason: 'worker restarted',
          routerRtpCapabilities: this.rtpCapabilities,
        });
      }
    } catch (error) {
      logger.error('room relocation failed, closing room', { siteId: this.siteId, error });
      this.close();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.#router.close();
    logger.info('room closed', { siteId: this.siteId });
    this.safeEmit('close');
  }

  // Small request handlers that only touch one peer's objects.

  pauseProducer(peer: Peer, id: string): Promise<void> {
    return peer.producer(id).pause();
  }
  resumeProducer(peer: Peer, id: string): Promise<void> {
    return peer.producer(id).resume();
  }
  closeProducer(peer: Peer, id: string): void {
    peer.producer(id).close();
  }
  resumeConsumer(peer: Peer, id: string): Promise<void> {
    return peer.consumer(id).resume();
  }
  closeConsumer(peer: Peer, id: string): void {
    peer.consumer(id).close();
  }
  async setConsumerLayers(peer: Peer, req: RequestOf<'setConsumerLayers'>): Promise<void> {
    const consumer = peer.consumer(req.consumerId);
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
      throw PorchlightError.badRequest('consumer has no layers');
    }
    await consumer.setPreferredLayers({
      spatialLayer: req.spatialLayer,
      ...(req.temporalLayer !== undefined ? { temporalLayer: req.temporalLayer } : {}),
    });
  }
}

function factsOf(producer: types.Producer<ProducerAppData>) {
  return {
    source: producer.appData.source,
    ownerPeerId: producer.appData.peerId,
    targetPeerId: producer.appData.targetPeerId,
  };
}

function producerInfo(producer: types.Producer<ProducerAppData>): ProducerInfo {
  return {
    producerId: producer.id,
    peerId: producer.appData.peerId,
    label: producer.appData.label,
    deviceId: producer.appData.deviceId ?? null,
    kind: producer.kind,
    source: producer.appData.source,
    paused: producer.paused,
    layers: Math.max(1, producer.rtpParameters.encodings?.length ?? 1),
  };
}
