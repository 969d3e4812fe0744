import type { types } from 'mediasoup';
import type {
  ConsumerInfo,
  ProducerInfo,
  RequestOf,
  RtpCapabilities,
  Source,
  TransportInfo,
} from '@porchlight/protocol';
import { mayPublish } from './sources.ts';
import { PorchlightError } from '../errors.ts';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import { mediaCodecs } from './mediaCodecs.ts';
import type { Peer, ProducerAppData, ProducerView } from './Peer.ts';
import type { RemoteMediaPort, RemoteProducer } from './remoteMedia.ts';
import { PeerSet } from './PeerSet.ts';
import type { WorkerPool, WorkerSlot } from './WorkerPool.ts';
import { mediasoupCall } from './mediasoupCall.ts';
import { consumerInfo, producerInfo, transportInfo } from './mediaInfo.ts';
import { callConsumeAllowed, callPublishDenial, type CallRoomGuard } from './callPolicy.ts';
import { allowedActions, consumeAllowed, publishDenial, watchedCamera } from './roomPolicy.ts';

const logger = createLogger('Room');

/** Per-peer caps: a client needs one send and one recv transport; the rest is headroom. */
const MAX_TRANSPORTS_PER_PEER = 4;
const MAX_PRODUCERS_PER_PEER = 4;
const MAX_CONSUMERS_PER_PEER = 64;
/**
 * Keyframe requests to a camera closer together than this are merged into one sent when it ends.
 * libwebrtc encoders ignore a request within 300 ms of the previous one, and mediasoup re-asks
 * only after 1 s: without the merge, a viewer opening a camera just after another consumer asked
 * waited ~1 s for a first frame (bench/joinToFirstFrame.ts, back-to-back); with it, <= this.
 */
export const KEYFRAME_REQUEST_DELAY_MS = 350;

export interface RoomOptions {
  siteId: string;
  pool: WorkerPool;
  initialOutgoingBitrate: number;
  /** Set for a doorbell call's own room: its policy replaces the site's. Default: a site room. */
  call?: CallRoomGuard;
}

export type RoomEvents = {
  /** Emitted once, when the room is closed. */
  close: [];
  /** The room moved to another worker after its worker died. */
  relocated: [workerIndex: number];
  /** A peer started producing (recording attaches here). */
  producer: [producer: types.Producer<ProducerAppData>];
  /** A local producer's announced facts changed (its device was renamed). */
  producerUpdated: [producer: types.Producer<ProducerAppData>];
};

/**
 * One site (a home or shop): one mediasoup router where its cameras produce and its viewers
 * consume. When the router's worker dies the room re-creates its router on a live worker and
 * tells every peer to re-establish media (mediaReset) while signaling stays up.
 */
export class Room extends EnhancedEventEmitter<RoomEvents> {
  readonly siteId: string;
  /** Set when this is a doorbell call's room. */
  readonly callId: string | undefined;
  /**
   * The room's key in the registry and the cluster's producer directory: the site id, or
   * `call:<id>` for a call's room (its producers are listed and piped apart from the site's).
   */
  readonly scope: string;
  readonly #pool: WorkerPool;
  readonly #options: RoomOptions;
  readonly #peers = new PeerSet();
  #slot: WorkerSlot;
  #router: types.Router;
  /** Transports whose connect() was called (once only). */
  readonly #connecting = new WeakSet<types.WebRtcTransport>();
  /** This site's producers on other nodes (cluster mode), by producer id. */
  readonly #remote = new Map<string, RemoteProducer>();
  #remoteMedia: RemoteMediaPort | undefined;
  /** Pending while the room relocates to another worker; requests wait on it. */
  #relocation: Promise<void> | undefined;
  #closed = false;

  private constructor(options: RoomOptions, slot: WorkerSlot, router: types.Router) {
    super();
    this.siteId = options.siteId;
    this.callId = options.call?.callId;
    this.scope = this.callId === undefined ? this.siteId : `call:${this.callId}`;
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
    this.#dropIfGone(peer, transport);
    peer.transports.set(transport.id, transport);
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    // A new path (an ICE restart onto TURN, a network change): what was in flight during the
    // move is lost, so the viewer's decoders get a keyframe now instead of asking for one later.
    if (req.direction === 'recv')
      transport.on('iceselectedtuplechange', () => {
        for (const consumer of peer.consumers.values())
          if (consumer.appData.transportId === transport.id && consumer.kind === 'video')
            void consumer.requestKeyFrame().catch(() => undefined);
      });
    return transportInfo(transport);
  }

  async connectTransport(peer: Peer, req: RequestOf<'connectTransport'>): Promise<void> {
    await this.ready();
    const transport = peer.transport(req.transportId);
    // A second connect (even one racing the first) is the client's mistake, not a fault here:
    // mediasoup throws a plain Error for it (found by the socket fuzz, docs/reliability.md).
    if (this.#connecting.has(transport))
      throw PorchlightError.conflict('transport already connected');
    this.#connecting.add(transport);
    try {
      await mediasoupCall(() =>
        transport.connect({ dtlsParameters: req.dtlsParameters as types.DtlsParameters }),
      );
    } catch (error) {
      this.#connecting.delete(transport);
      throw error;
    }
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
    const transport = peer.transport(req.transportId, 'send');
    if (peer.producers.size >= MAX_PRODUCERS_PER_PEER)
      throw PorchlightError.conflict('too many producers');
    // A talk-back without a target goes to the camera being watched (or is refused as ambiguous).
    const targetPeerId =
      req.source === 'talkback'
        ? (req.targetPeerId ?? watchedCamera(peer, (id) => this.#viewById(id)))
        : req.targetPeerId;
    const denial = this.#publishDenial(peer, req.source, targetPeerId);
    if (denial) throw denial;
    const appData: ProducerAppData = {
      source: req.source,
      peerId: peer.id,
      deviceId: peer.deviceId,
      label: peer.label,
      targetPeerId,
    };
    const producer = await mediasoupCall(() =>
      transport.produce<ProducerAppData>({
        kind: req.kind,
        rtpParameters: req.rtpParameters as types.RtpParameters,
        paused: req.paused ?? false,
        ...(req.kind === 'video' ? { keyFrameRequestDelay: KEYFRAME_REQUEST_DELAY_MS } : {}),
        appData,
      }),
    );
    this.#dropIfGone(peer, producer);
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
    this.#announce(producer, 'producerAdded');
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
    const producer: ProducerView | undefined =
      this.#producerById(req.producerId) ?? this.#remote.get(req.producerId);
    if (!producer) throw PorchlightError.notFound('producer');
    if (!this.#mayConsume(peer, producer)) {
      throw PorchlightError.forbidden('not allowed to consume this producer');
    }
    const transport = peer.transport(req.transportId, 'recv');
    if (peer.consumers.size >= MAX_CONSUMERS_PER_PEER)
      throw PorchlightError.conflict('too many consumers');
    const rtpCapabilities = req.rtpCapabilities as types.RtpCapabilities;
    // A remote producer is piped into this router first (once per node, shared by its viewers).
    const release = await this.#acquireRemote(producer);
    let consumer: types.Consumer;
    try {
      const canConsume = await mediasoupCall(async () =>
        this.#router.canConsume({ producerId: producer.id, rtpCapabilities }),
      );
      if (!canConsume)
        throw PorchlightError.badRequest('rtpCapabilities cannot receive this producer');
      consumer = await mediasoupCall(() =>
        transport.consume({
          producerId: producer.id,
          rtpCapabilities,
          paused: true,
          appData: { transportId: transport.id },
        }),
      );
    } catch (error) {
      release();
      throw error;
    }
    consumer.observer.once('close', () => {
      peer.consumers.delete(consumer.id);
      release();
    });
    this.#dropIfGone(peer, consumer);
    peer.consumers.set(consumer.id, consumer);
    consumer.on('producerclose', () => {
      if (!this.#relocation) peer.notify('consumerClosed', { consumerId: consumer.id });
    });
    consumer.on('layerschange', (layers) =>
      peer.notify('consumerLayersChanged', {
        consumerId: consumer.id,
        spatialLayer: layers?.spatialLayer ?? null,
      }),
    );
    return consumerInfo(consumer);
  }

  /** One user of a remote producer's pipe; returns its idempotent release (a no-op if local). */
  async #acquireRemote(producer: ProducerView): Promise<() => void> {
    const remote = this.#remote.get(producer.id);
    if (!remote || this.#producerById(producer.id)) return () => undefined;
    const port = this.#remoteMedia;
    if (!port) throw PorchlightError.unavailable('remote media is not available on this node');
    const router = this.#router;
    await port.acquire(router, this.scope, remote);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      port.release(router, producer.id);
    };
  }

  /** Lets this room consume producers of its site on other nodes (cluster mode). */
  useRemoteMedia(port: RemoteMediaPort): void {
    this.#remoteMedia = port;
  }

  /** This site's producers on other nodes, as this room knows them. */
  remoteProducers(): RemoteProducer[] {
    return [...this.#remote.values()];
  }

  /**
   * A producer of this site on another node appeared or changed: peers that may consume it are
   * told (producerAdded, producerPaused/Resumed, producerUpdated) as for a local one.
   */
  upsertRemote(producer: RemoteProducer): void {
    if (this.#closed || this.#producerById(producer.id)) return;
    const old = this.#remote.get(producer.id);
    this.#remote.set(producer.id, producer);
    if (!old) return this.#announce(producer, 'producerAdded');
    if (old.paused !== producer.paused) {
      const name = producer.paused ? 'producerPaused' : 'producerResumed';
      this.#broadcast(producer, name, { producerId: producer.id });
    }
    if (
      old.appData.label !== producer.appData.label ||
      old.appData.deviceId !== producer.appData.deviceId
    )
      this.#announce(producer, 'producerUpdated');
  }

  /** A remote producer closed (or its node died): its viewers here get producerClosed. */
  removeRemote(producerId: string): void {
    const producer = this.#remote.get(producerId);
    if (!producer) return;
    this.#remote.delete(producerId);
    if (!this.#closed) this.#broadcast(producer, 'producerClosed', { producerId });
  }

  /** Producers published by one device (monitoring and tests). */
  producersOfDevice(deviceId: string): types.Producer<ProducerAppData>[] {
    return this.#peers.producersOfDevice(deviceId);
  }

  /** Consumers of one producer across the site's peers (monitoring and tests). */
  consumersOf(producerId: string): types.Consumer[] {
    return this.#peers.consumersOf(producerId);
  }

  /** A producer of this site by id, local or on another node (audit, tests). */
  producerView(producerId: string): ProducerView | undefined {
    return this.#viewById(producerId);
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
        if (this.#mayConsume(peer, producer)) out.push(this.#infoFor(peer, producer));
      }
    }
    for (const producer of this.#remote.values()) {
      if (this.#mayConsume(peer, producer)) out.push(this.#infoFor(peer, producer));
    }
    return out;
  }

  /** The producer as `peer` sees it: with what that peer may do with its device. */
  #infoFor(peer: Peer, producer: ProducerView): ProducerInfo {
    return producerInfo(producer, allowedActions(this.siteId, peer, producer));
  }

  /** Announces a producer (added, or changed) to every peer that may consume it. */
  #announce(producer: ProducerView, name: 'producerAdded' | 'producerUpdated'): void {
    for (const peer of this.#peers.values()) {
      if (this.#mayConsume(peer, producer)) peer.notify(name, this.#infoFor(peer, producer));
    }
  }

  /** Sends a producer event to every peer that may consume it. */
  #broadcast<K extends 'producerClosed' | 'producerPaused' | 'producerResumed'>(
    producer: ProducerView,
    name: K,
    payload: { producerId: string },
  ): void {
    for (const peer of this.#peers.values()) {
      if (this.#mayConsume(peer, producer)) peer.notify(name, payload);
    }
  }

  /**
   * An owner renamed a device: its peers and producers take the new name at once, viewers that
   * may see it get `producerUpdated`, the device itself `deviceRenamed`.
   */
  renameDevice(deviceId: string, name: string): void {
    for (const peer of this.#peers.values()) {
      if (peer.deviceId !== deviceId) continue;
      peer.label = name;
      peer.notify('deviceRenamed', { deviceId, name });
      for (const producer of peer.producers.values()) {
        producer.appData.label = name;
        this.#announce(producer, 'producerUpdated');
        this.safeEmit('producerUpdated', producer);
      }
    }
  }

  /**
   * After a peer's permissions changed (and `revalidate`): re-announces what it may still
   * consume, with the actions it may now take (`allowed`).
   */
  refreshAccess(peer: Peer): void {
    for (const info of this.#visibleProducers(peer)) peer.notify('producerUpdated', info);
  }

  #mayConsume(peer: Peer, producer: ProducerView): boolean {
    const call = this.#options.call;
    if (call) return callConsumeAllowed(this.siteId, call, peer, producer);
    return consumeAllowed(this.siteId, peer, producer);
  }

  /**
   * A request's peer may have left (socket dropped) while mediasoup was creating `created`: close
   * it instead of leaking it into a closed peer until the room closes, and answer with an error.
   */
  #dropIfGone(peer: Peer, created: { close(): void }): void {
    if (!peer.closed && !this.#closed && this.#peers.get(peer.id) === peer) return;
    created.close();
    throw PorchlightError.unavailable('peer left during the request');
  }

  /**
   * After a peer's permissions changed: closes what it may no longer consume or publish.
   * Returns how many media objects were closed.
   */
  revalidate(peer: Peer): number {
    let closed = 0;
    for (const consumer of [...peer.consumers.values()]) {
      const producer = this.#viewById(consumer.producerId);
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

  #publishDenial(
    peer: Peer,
    source: Source,
    targetPeerId: string | undefined,
  ): PorchlightError | undefined {
    const call = this.#options.call;
    if (call) return callPublishDenial(this.siteId, call, peer, source);
    const target =
      targetPeerId === undefined
        ? undefined
        : (this.#peers.get(targetPeerId) ?? this.#remoteCamera(targetPeerId));
    return publishDenial(this.siteId, peer, source, target);
  }

  /**
   * A camera peer on another node, as its directory entries describe it: talk-back to it is
   * produced here and piped to its node like any producer (its room lets only it consume it).
   */
  #remoteCamera(peerId: string): Pick<Peer, 'role' | 'deviceId'> | undefined {
    for (const p of this.#remote.values()) {
      if (p.appData.peerId === peerId && p.appData.source === 'camera')
        return { role: 'camera', deviceId: p.appData.deviceId };
    }
    return undefined;
  }

  /** A producer of this site by id, local or on another node. */
  #viewById(id: string): ProducerView | undefined {
    return this.#producerById(id) ?? this.#remote.get(id);
  }

  #producerById(id: string): types.Producer<ProducerAppData> | undefined {
    return this.#peers.producerById(id);
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
    this.#remote.clear();
    this.#router.close();
    logger.info('room closed', { siteId: this.siteId });
    this.safeEmit('close');
  }

  // Kept for callers that drive a room directly (benchmarks); the peer owns these objects.
  pauseProducer(peer: Peer, id: string): Promise<void> {
    return peer.producer(id).pause();
  }
  resumeProducer(peer: Peer, id: string): Promise<void> {
    return peer.producer(id).resume();
  }
  resumeConsumer(peer: Peer, id: string): Promise<void> {
    return peer.consumer(id).resume();
  }
}
