import { Device } from 'mediasoup-client';
import type {
  IceServer,
  ProducerInfo,
  RequestOf,
  Role,
  RtpCapabilities,
} from '@porchlight/protocol';
import { TypedEmitter } from './emitter.ts';
import {
  ClosedError,
  isPorchlightError,
  NotConnectedError,
  PorchlightError,
  toPorchlightError,
  type PorchlightErrorCode,
} from './errors.ts';
import { findReplacement } from './matching.ts';
import { MediaSession } from './media-session.ts';
import { resolveClientOptions, type ClientOptions, type ResolvedOptions } from './options.ts';
import { ProducerDirectory, type DirectoryDiff } from './producer-directory.ts';
import { Publication, type PublicationHost, type PublishOptions } from './publication.ts';
import { SerialQueue } from './queue.ts';
import { retryTransient } from './retry.ts';
import { Signaling, type Notification } from './signaling.ts';
import { sampleReports, StatsAccumulator, type ClientStats } from './stats.ts';
import { Subscription, type SubscriptionHost } from './subscription.ts';
import { fromWireRtpCapabilities } from './wire.ts';

export type ClientState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Who this client is, as decided by the server from the token. */
export interface JoinInfo {
  peerId: string;
  siteId: string;
  role: Role;
}

export interface WatchOptions {
  /** Initial preferred simulcast layer (see Subscription.setPreferredLayer). */
  spatialLayer?: number;
}

export type ClientEvents = {
  stateChanged: [state: ClientState, previous: ClientState];
  /** Joined (again): after connect() and after every reconnect. The peer id may change. */
  joined: [info: JoinInfo];
  producerAdded: [producer: ProducerInfo];
  producerRemoved: [producer: ProducerInfo];
  /** An announced producer changed (paused/resumed). */
  producerUpdated: [producer: ProducerInfo];
  /** After any of the three above, with the new `producers` array. */
  producersChanged: [producers: readonly ProducerInfo[]];
  /** The server rebuilt the site's media; the client is re-publishing and re-consuming. */
  mediaReset: [reason: string];
  /** A subscription got a (new) track. */
  remoteTrack: [subscription: Subscription, track: MediaStreamTrack];
  /** Something failed. Fatal errors are followed by state 'closed'. */
  error: [error: PorchlightError];
};

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
  private iceRefreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped per socket connection (and on loss): stale join tasks compare against it. */
  private connection = 0;
  /** Bumped whenever media must be rebuilt: stale session openings compare against it. */
  private mediaEpoch = 0;
  private syncQueued = false;
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
  }

  get state(): ClientState {
    return this._state;
  }

  /** Set once joined; kept while reconnecting. */
  get role(): Role | undefined {
    return this.joinInfo?.role;
  }

  get siteId(): string | undefined {
    return this.joinInfo?.siteId;
  }

  /** This peer's id; changes after a reconnect (the server forgets peers that disconnect). */
  get peerId(): string | undefined {
    return this.joinInfo?.peerId;
  }

  get label(): string | undefined {
    return this.options.label;
  }

  /** Producers this peer may consume, as announced. Last known while reconnecting. */
  get producers(): readonly ProducerInfo[] {
    return this.directory.list();
  }

  get publications(): readonly Publication[] {
    return [...this.pubs];
  }

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
        if (this.session) await this.bindPublication(publication, this.session);
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
        if (this.session) await this.bindSubscription(subscription, this.session);
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
    clearTimeout(this.iceRefreshTimer);
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
    const { label, siteId } = this.options;
    const payload: RequestOf<'join'> = {
      ...(label !== undefined ? { label } : {}),
      ...(siteId !== undefined ? { siteId } : {}),
    };
    const response = await signaling.request('join', payload);
    if (connection !== this.connection) return;

    this.joined = true;
    this.joinInfo = { peerId: response.peerId, siteId: response.siteId, role: response.role };
    this.iceServers = response.iceServers.map(toRtcIceServer);
    this.scheduleIceRefresh(connection, response.iceServersExpiresAt);
    const epoch = ++this.mediaEpoch;
    const diff = this.directory.replace(response.producers);
    this.reconcile();
    this.emitDiff(diff);

    await this.openSession(epoch, response.routerRtpCapabilities);
    if (connection !== this.connection) return;
    this.setState('connected');
    this.connectWaiter?.resolve(this.joinInfo);
    this.connectWaiter = undefined;
    this.safeEmit('joined', this.joinInfo);
    await this.sync();
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

  /**
   * TURN credentials are short-lived: fetch fresh ones at ~80% of their lifetime (and at least 5 s
   * before expiry) and hand them to live transports, so relayed media never runs on dead ones.
   */
  private scheduleIceRefresh(connection: number, expiresAt: number | undefined): void {
    clearTimeout(this.iceRefreshTimer);
    if (expiresAt === undefined || this._state === 'closed') return;
    const lifetime = expiresAt - Date.now();
    // A skewed clock can make the lifetime look negative: then retry within a minute.
    const delay = lifetime > 0 ? Math.max(1000, Math.min(lifetime * 0.8, lifetime - 5000)) : 60_000;
    this.iceRefreshTimer = setTimeout(() => void this.refreshIceServers(connection), delay);
  }

  private async refreshIceServers(connection: number): Promise<void> {
    const signaling = this.signaling;
    if (connection !== this.connection || !signaling || this._state === 'closed') return;
    try {
      const r = await signaling.request('getIceServers', {});
      if (connection !== this.connection) return;
      this.iceServers = r.iceServers.map(toRtcIceServer);
      await this.session?.updateIceServers(this.iceServers);
      this.scheduleIceRefresh(connection, r.expiresAt);
    } catch (error) {
      this.reportError(error);
      if (connection === this.connection) {
        this.iceRefreshTimer = setTimeout(() => void this.refreshIceServers(connection), 5000);
      }
    }
  }

  private onDown(): void {
    clearTimeout(this.iceRefreshTimer);
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
      if (subscription.state === 'active') this.loseSubscription(subscription);
    this.safeEmit('mediaReset', reason);
    this.emitDiff({ added: [], removed, updated: [] });
    this.queue
      .push(async () => {
        if (await this.openSession(epoch, caps)) await this.sync();
      })
      .catch((error: unknown) => this.reportError(error));
  }

  /** Binds everything that is not bound to the current session. */
  private async sync(): Promise<void> {
    const session = this.session;
    if (!session || session.closed) return;
    const jobs: Promise<void>[] = [];
    for (const publication of this.pubs) {
      jobs.push(
        this.bindPublication(publication, session).catch((error: unknown) =>
          this.reportError(error),
        ),
      );
    }
    for (const subscription of this.subs) {
      jobs.push(
        this.bindSubscription(subscription, session).catch((error: unknown) => {
          if (isPorchlightError(error, 'NOT_FOUND')) this.onConsumeNotFound(subscription);
          else this.reportError(error);
        }),
      );
    }
    await Promise.all(jobs);
  }

  private scheduleSync(): void {
    if (this.syncQueued || !this.session) return;
    this.syncQueued = true;
    this.queue
      .push(async () => {
        this.syncQueued = false;
        await this.sync();
      })
      .catch((error: unknown) => this.reportError(error));
  }

  private async bindPublication(publication: Publication, session: MediaSession): Promise<void> {
    if (publication.closed || session.closed) return;
    try {
      await retryTransient(() => publication.bind(session), this.options.transientRetry);
    } catch (error) {
      // Reset or disconnected mid-way: the next session's sync re-publishes it.
      if (
        session.closed ||
        isPorchlightError(error, 'MEDIA_RESET') ||
        isPorchlightError(error, 'NOT_CONNECTED')
      ) {
        return;
      }
      throw toPorchlightError(error);
    }
  }

  private async bindSubscription(subscription: Subscription, session: MediaSession): Promise<void> {
    if (subscription.state !== 'active' || session.closed) return;
    try {
      await retryTransient(() => subscription.bind(session), this.options.transientRetry);
    } catch (error) {
      if (
        session.closed ||
        isPorchlightError(error, 'MEDIA_RESET') ||
        isPorchlightError(error, 'NOT_CONNECTED')
      ) {
        return;
      }
      throw toPorchlightError(error);
    }
  }

  /** The producer vanished before its producerClosed arrived: treat it as closed. */
  private onConsumeNotFound(subscription: Subscription): void {
    if (subscription.state !== 'active') return;
    this.loseSubscription(subscription);
    this.reconcile();
    this.scheduleSync();
  }

  // ---- subscriptions following sources ---------------------------------------------------

  private loseSubscription(subscription: Subscription): void {
    subscription.lose(this.options.resubscribeGraceMs, () => {
      if (subscription.state !== 'waiting') return;
      // While reconnecting nobody can announce a replacement yet: keep waiting.
      if (this._state === 'connected') subscription.end('producerClosed');
      else this.loseSubscription(subscription);
    });
  }

  /**
   * Points every subscription at a live producer: refreshes the followed producer's fields,
   * marks subscriptions whose producer is gone as waiting, and lets waiting ones claim a
   * replacement (see findReplacement). Synchronous, so that it runs before the producer events
   * reach the application and it can tell which producers are already watched.
   */
  private reconcile(): void {
    const claimed = new Set<string>();
    for (const subscription of this.subs)
      if (subscription.state === 'active') claimed.add(subscription.producerId);
    for (const subscription of this.subs) {
      if (subscription.state === 'active') {
        const current = this.directory.get(subscription.producerId);
        if (current) {
          subscription.claim(current);
          continue;
        }
        this.loseSubscription(subscription);
      }
      if (subscription.state !== 'waiting') continue;
      const replacement = findReplacement(subscription.identity, this.directory.list(), {
        claimed,
        dead: subscription.lostProducers,
      });
      if (replacement) {
        subscription.claim(replacement);
        claimed.add(replacement.producerId);
      }
    }
  }

  // ---- notifications ---------------------------------------------------------------------

  private onNotification(notification: Notification): void {
    if (this._state === 'closed' || this.closing) return;
    switch (notification.name) {
      case 'producerAdded': {
        const change = this.directory.upsert(notification.payload);
        this.reconcile();
        const info = notification.payload;
        if (change === 'added') this.safeEmit('producerAdded', info);
        else this.safeEmit('producerUpdated', info);
        this.safeEmit('producersChanged', this.directory.list());
        this.scheduleSync();
        break;
      }
      case 'producerClosed': {
        const info = this.directory.remove(notification.payload.producerId);
        if (!info) return;
        this.reconcile();
        this.safeEmit('producerRemoved', info);
        this.safeEmit('producersChanged', this.directory.list());
        this.scheduleSync();
        break;
      }
      case 'producerPaused':
      case 'producerResumed': {
        const paused = notification.name === 'producerPaused';
        const info = this.directory.setPaused(notification.payload.producerId, paused);
        if (!info) return;
        this.reconcile();
        this.safeEmit('producerUpdated', info);
        this.safeEmit('producersChanged', this.directory.list());
        break;
      }
      case 'consumerClosed': {
        const subscription = this.findByConsumer(notification.payload.consumerId);
        if (!subscription || subscription.state !== 'active') return;
        this.loseSubscription(subscription);
        this.reconcile();
        this.scheduleSync();
        break;
      }
      case 'consumerLayersChanged': {
        const { consumerId, spatialLayer } = notification.payload;
        this.findByConsumer(consumerId)?.setSpatialLayer(spatialLayer);
        break;
      }
      case 'mediaReset':
        this.onMediaReset(notification.payload.reason, notification.payload.routerRtpCapabilities);
        break;
    }
  }

  private findByConsumer(consumerId: string): Subscription | undefined {
    for (const subscription of this.subs)
      if (subscription.consumerId === consumerId) return subscription;
    return undefined;
  }

  // ---- helpers -----------------------------------------------------------------------------

  private emitDiff(diff: DirectoryDiff): void {
    for (const info of diff.removed) this.safeEmit('producerRemoved', info);
    for (const info of diff.added) this.safeEmit('producerAdded', info);
    for (const info of diff.updated) this.safeEmit('producerUpdated', info);
    if (diff.added.length + diff.removed.length + diff.updated.length > 0) {
      this.safeEmit('producersChanged', this.directory.list());
    }
  }

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

function toRtcIceServer(server: IceServer): RTCIceServer {
  const rtc: RTCIceServer = { urls: server.urls };
  if (server.username !== undefined) rtc.username = server.username;
  if (server.credential !== undefined) rtc.credential = server.credential;
  return rtc;
}
