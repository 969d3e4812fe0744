import { Device } from 'mediasoup-client';
import type { ProducerInfo, RequestOf, Role, RtpCapabilities } from '@porchlight/protocol';
import type { ClientEvents, ClientState, JoinInfo, WatchOptions } from './client-types.ts';
import { TypedEmitter } from '@porchlight/emitter';
import {
  ClosedError,
  NotConnectedError,
  PorchlightError,
  toPorchlightError,
  type PorchlightErrorCode,
} from './errors.ts';
import { IceRefresher, toRtcIceServer } from './ice-refresh.ts';
import { MediaSession } from './media-session.ts';
import { MediaSync } from './media-sync.ts';
import { applyNotification, emitDiff, type NotificationTarget } from './notifications.ts';
import { resolveClientOptions, type ClientOptions, type ResolvedOptions } from './options.ts';
import { ProducerDirectory } from './producer-directory.ts';
import { Publication, type PublicationHost, type PublishOptions } from './publication.ts';
import { SerialQueue } from './queue.ts';
import { Signaling, type Notification } from './signaling.ts';
import { SourceFollower } from './source-follower.ts';
import { sampleReports, StatsAccumulator, type ClientStats } from './stats.ts';
import { Subscription, type SubscriptionHost } from './subscription.ts';
import { fromWireRtpCapabilities } from './wire.ts';

export type { ClientEvents, ClientState, JoinInfo, WatchOptions } from './client-types.ts';

/** Join errors that retrying cannot fix. */
const FATAL_JOIN_CODES: ReadonlySet<PorchlightErrorCode> = new Set([
  'UNAUTHORIZED',
  'FORBIDDEN',
  'BAD_REQUEST',
  'UNSUPPORTED',
]);

/**
 * A Porchlight peer: signaling, media sessions, and everything published and watched.
 *
 * Publications and subscriptions are durable: on a media reset or a reconnect the client drops
 * every transport, then re-publishes the same tracks and re-consumes the same sources on fresh
 * ones, without the caller doing anything.
 */
export class PorchlightClient extends TypedEmitter<ClientEvents> {
  private readonly options: ResolvedOptions;
  private _state: ClientState = 'idle';
  private signaling: Signaling | undefined;
  /** Media operations run one at a time (see SerialQueue). */
  private readonly queue = new SerialQueue();
  private readonly directory = new ProducerDirectory();
  private readonly pubs = new Set<Publication>();
  private readonly subs = new Set<Subscription>();
  private readonly statsAccumulator = new StatsAccumulator();
  private session: MediaSession | undefined;
  private device: Device | undefined;
  private deviceCapsKey: string | undefined;
  private joinInfo: JoinInfo | undefined;
  private joined = false;
  private iceServers: RTCIceServer[] = [];
  private readonly ice = new IceRefresher({
    fetch: () => {
      if (!this.signaling) throw new NotConnectedError('getIceServers');
      return this.signaling.request('getIceServers', {});
    },
    current: (connection) =>
      connection === this.connection && this.signaling !== undefined && this._state !== 'closed',
    apply: async (iceServers) => {
      this.iceServers = iceServers;
      await this.session?.updateIceServers(iceServers);
    },
    onError: (error) => this.reportError(error),
  });
  private readonly follower: SourceFollower;
  private readonly media: MediaSync;
  /** How notifications and directory changes reach this client. */
  private readonly target: NotificationTarget;
  /** Bumped per socket connection (and on loss): stale join tasks compare against it. */
  private connection = 0;
  /** Bumped whenever media must be rebuilt: stale session openings compare against it. */
  private mediaEpoch = 0;
  /** Set at the start of close(): listeners running during teardown must not start new work. */
  private closing = false;
  private connectPromise: Promise<JoinInfo> | undefined;
  private connectWaiter:
    { resolve: (info: JoinInfo) => void; reject: (error: unknown) => void } | undefined;

  private readonly publicationHost: PublicationHost = {
    onClosed: (publication) => this.pubs.delete(publication),
  };

  private readonly subscriptionHost: SubscriptionHost = {
    onTrack: (subscription, track) => this.safeEmit('remoteTrack', subscription, track),
    onClosed: (subscription) => this.subs.delete(subscription),
  };

  constructor(options: ClientOptions) {
    super();
    this.options = resolveClientOptions(options);
    this.follower = new SourceFollower(
      this.subs,
      this.directory,
      this.options.resubscribeGraceMs,
      () => this._state === 'connected',
    );
    this.media = new MediaSync({
      pubs: this.pubs,
      subs: this.subs,
      queue: this.queue,
      follower: this.follower,
      transientRetry: this.options.transientRetry,
      session: () => this.session,
      reportError: (error) => this.reportError(error),
    });
    this.target = {
      directory: this.directory,
      follower: this.follower,
      emitProducer: (event, info) => this.safeEmit(event, info),
      emitProducersChanged: () => this.safeEmit('producersChanged', this.directory.list()),
      emitRenamed: (name) => {
        if (this.joinInfo) this.joinInfo = { ...this.joinInfo, label: name };
        this.safeEmit('renamed', name);
      },
      scheduleSync: () => this.media.schedule(),
      mediaReset: (reason, caps) => this.onMediaReset(reason, caps),
      emitCall: (notification) => this.safeEmit('call', notification),
      emitDetection: (notification) => this.safeEmit('detection', notification),
      emitDetectionSettings: (notification) => this.safeEmit('detectionSettings', notification),
      emitAlarm: (notification) => this.safeEmit('alarm', notification),
    };
  }

  /** The connection state (see `ClientState`); `stateChanged` tells every change. */
  get state(): ClientState {
    return this._state;
  }

  /** Set once joined; kept while reconnecting. */
  get role(): Role | undefined {
    return this.joinInfo?.role;
  }

  /** The site joined; set once joined, kept while reconnecting. */
  get siteId(): string | undefined {
    return this.joinInfo?.siteId;
  }

  /** This peer's id; changes after a reconnect (the server forgets peers that disconnect). */
  get peerId(): string | undefined {
    return this.joinInfo?.peerId;
  }

  /** This peer's label as the server knows it; set once joined. */
  get label(): string | undefined {
    return this.options.label;
  }

  /** Producers this peer may consume, as announced. Last known while reconnecting. */
  get producers(): readonly ProducerInfo[] {
    return this.directory.list();
  }

  /** Everything this client publishes (kept across reconnects). */
  get publications(): readonly Publication[] {
    return [...this.pubs];
  }

  /** Everything this client watches (kept across reconnects). */
  get subscriptions(): readonly Subscription[] {
    return [...this.subs];
  }

  /**
   * Connects, joins and loads the media device. Retries per the reconnect policy until joined;
   * rejects on a bad token, an unsupported browser, close(), or when the policy gives up.
   * Calling it again returns the same promise.
   */
  connect(): Promise<JoinInfo> {
    if (this._state === 'closed') return Promise.reject(new ClosedError('connect'));
    if (this.connectPromise) return this.connectPromise;
    this.connectPromise = new Promise<JoinInfo>((resolve, reject) => {
      this.connectWaiter = { resolve, reject };
    });
    const signaling = new Signaling({
      url: this.options.url,
      token: this.options.token,
      requestTimeoutMs: this.options.requestTimeoutMs,
      reconnect: this.options.reconnect,
      socketOptions: this.options.socketOptions,
    });
    this.signaling = signaling;
    signaling.on('up', () => this.onUp());
    signaling.on('down', () => this.onDown());
    signaling.on('fatal', (error) => this.fail(error));
    signaling.on('notification', (notification) => this.onNotification(notification));
    this.setState('connecting');
    signaling.start();
    return this.connectPromise;
  }

  /**
   * Sends a local track. Resolves once produced, or right away (unbound, `id` null) while
   * reconnecting: it is produced as soon as media is back. The track stays the caller's: it is
   * not stopped by close().
   */
  async publish(track: MediaStreamTrack, options: PublishOptions): Promise<Publication> {
    this.assertStarted('publish');
    const publication = new Publication(track, options, this.publicationHost);
    this.pubs.add(publication);
    try {
      await this.queue.push(async () => {
        if (this.session) await this.media.bindPublication(publication, this.session);
      });
    } catch (error) {
      publication.close();
      throw toPorchlightError(error);
    }
    return publication;
  }

  /** Receives an announced producer. Rejects with NOT_FOUND if it is not (or no longer) announced. */
  async watch(producerId: string, options: WatchOptions = {}): Promise<Subscription> {
    this.assertStarted('watch');
    const info = this.directory.get(producerId);
    if (!info)
      throw new PorchlightError('NOT_FOUND', `watch: producer ${producerId} is not announced`);
    const subscription = new Subscription(info, this.subscriptionHost);
    if (options.spatialLayer !== undefined)
      void subscription.setPreferredLayer(options.spatialLayer);
    this.subs.add(subscription);
    try {
      await this.queue.push(async () => {
        if (this.session) await this.media.bindSubscription(subscription, this.session);
      });
    } catch (error) {
      subscription.close();
      throw toPorchlightError(error);
    }
    return subscription;
  }

  /**
   * Aggregated WebRTC stats of the current transports. Counters are cumulative over the client's
   * life (they do not drop after a media reset); rates and sizes are current.
   */
  async getStats(): Promise<ClientStats> {
    const reports = this.session ? await this.session.getStatsReports() : [];
    return this.statsAccumulator.summarize(sampleReports(reports));
  }

  /** Leaves: closes media, publications, subscriptions and the socket. Idempotent. */
  close(): void {
    if (this._state === 'closed' || this.closing) return;
    this.closing = true;
    this.ice.stop();
    this.connection++;
    this.mediaEpoch++;
    this.teardownMedia();
    for (const publication of [...this.pubs]) publication.dispose();
    for (const subscription of [...this.subs]) subscription.end('clientClosed');
    this.signaling?.close();
    this.connectWaiter?.reject(new ClosedError('connect'));
    this.connectWaiter = undefined;
    this.setState('closed');
  }

  // ---- connection lifecycle ------------------------------------------------------------

  private onUp(): void {
    const connection = ++this.connection;
    this.queue
      .push(() => this.join(connection))
      .catch((error: unknown) => this.onJoinFailed(error));
  }

  private async join(connection: number): Promise<void> {
    const signaling = this.signaling;
    if (!signaling) return;
    const { label, siteId, callId, firmware } = this.options;
    const payload: RequestOf<'join'> = {
      ...(label !== undefined ? { label } : {}),
      ...(firmware !== undefined ? { firmware } : {}),
      ...(siteId !== undefined ? { siteId } : {}),
      ...(callId !== undefined ? { callId } : {}),
    };
    const response = await signaling.request('join', payload);
    if (connection !== this.connection) return;

    this.joined = true;
    this.joinInfo = {
      peerId: response.peerId,
      siteId: response.siteId,
      role: response.role,
      label: response.label,
    };
    this.iceServers = response.iceServers.map(toRtcIceServer);
    this.ice.schedule(connection, response.iceServersExpiresAt);
    const epoch = ++this.mediaEpoch;
    const diff = this.directory.replace(response.producers);
    this.follower.reconcile();
    emitDiff(this.target, diff);

    await this.openSession(epoch, response.routerRtpCapabilities);
    if (connection !== this.connection) return;
    this.setState('connected');
    this.connectWaiter?.resolve(this.joinInfo);
    this.connectWaiter = undefined;
    this.safeEmit('joined', this.joinInfo);
    await this.media.sync();
  }

  private onJoinFailed(error: unknown): void {
    if (this._state === 'closed') return;
    const e = toPorchlightError(error);
    // The socket dropped mid-join: the reconnect loop is already on it.
    if (e.code === 'NOT_CONNECTED' || e.code === 'CLOSED') return;
    if (FATAL_JOIN_CODES.has(e.code)) {
      this.fail(e);
      return;
    }
    this.safeEmit('error', e);
    this.signaling?.restart();
  }

  private onDown(): void {
    this.ice.stop();
    this.connection++;
    this.mediaEpoch++;
    this.joined = false;
    this.teardownMedia();
    if (this._state === 'connected') this.setState('reconnecting');
  }

  private fail(error: PorchlightError): void {
    if (this._state === 'closed') return;
    this.safeEmit('error', error);
    this.connectWaiter?.reject(error);
    this.connectWaiter = undefined;
    this.close();
  }

  // ---- media sessions ------------------------------------------------------------------

  /** Loads the device for `caps` and opens a fresh session, unless media was reset meanwhile. */
  private async openSession(epoch: number, caps: RtpCapabilities): Promise<boolean> {
    if (epoch !== this.mediaEpoch) return false;
    const device = await this.ensureDevice(caps);
    if (epoch !== this.mediaEpoch || !this.signaling) return false;
    this.session?.close();
    this.session = new MediaSession({
      device,
      signaling: this.signaling,
      iceServers: this.iceServers,
      forceRelay: this.options.forceRelay,
      ice: this.options.ice,
      onError: (error) => this.reportError(error),
    });
    return true;
  }

  /** A loaded Device can't be reloaded: a router with different capabilities needs a new one. */
  private async ensureDevice(caps: RtpCapabilities): Promise<Device> {
    const key = JSON.stringify(caps);
    if (this.device && this.deviceCapsKey === key) return this.device;
    const device = await Device.factory(this.options.device);
    await device.load({ routerRtpCapabilities: fromWireRtpCapabilities(caps) });
    this.device = device;
    this.deviceCapsKey = key;
    return device;
  }

  private teardownMedia(): void {
    this.session?.close();
    this.session = undefined;
    for (const publication of this.pubs) publication.unbind();
    for (const subscription of this.subs) subscription.unbind();
  }

  private onMediaReset(reason: string, caps: RtpCapabilities): void {
    if (!this.joined || this._state === 'closed') return;
    const epoch = ++this.mediaEpoch;
    this.teardownMedia();
    // Every producer of the site died with the old router; cameras re-publish under new ids.
    const removed = this.directory.clear();
    for (const subscription of this.subs)
      if (subscription.state === 'active') this.follower.lose(subscription);
    this.safeEmit('mediaReset', reason);
    emitDiff(this.target, { added: [], removed, updated: [] });
    this.queue
      .push(async () => {
        if (await this.openSession(epoch, caps)) await this.media.sync();
      })
      .catch((error: unknown) => this.reportError(error));
  }

  private onNotification(notification: Notification): void {
    if (this._state === 'closed' || this.closing) return;
    applyNotification(this.target, notification);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private assertStarted(what: string): void {
    if (this._state === 'closed' || this.closing) throw new ClosedError(what);
    if (this._state === 'idle') throw new NotConnectedError(what);
  }

  private reportError(error: unknown): void {
    if (this._state === 'closed' || this.closing) return;
    this.safeEmit('error', toPorchlightError(error));
  }

  private setState(state: ClientState): void {
    const previous = this._state;
    if (previous === state) return;
    this._state = state;
    this.safeEmit('stateChanged', state, previous);
  }
}
