import type { types } from 'mediasoup-client';
import type { ConsumerInfo, ProducerInfo, Source } from '@porchlight/protocol';
import { TypedEmitter } from '@porchlight/emitter';
import { ClosedError } from './errors.ts';
import type { SourceIdentity } from './matching.ts';
import type { MediaSession } from './media-session.ts';

/**
 * - active: following an announced producer (media may be (re)connecting).
 * - waiting: its producer went away; waiting for the same source to be published again.
 * - closed: ended for good.
 */
export type SubscriptionState = 'active' | 'waiting' | 'closed';

/** Why a subscription ended. */
export type SubscriptionEndReason = 'local' | 'producerClosed' | 'clientClosed';

/** Events of a {@link Subscription}. */
export type SubscriptionEvents = {
  /**
   * Media now comes in on a new track (first consume, or after a media reset/reconnect). The
   * track is already in `stream`; elements showing `stream` may need re-attaching on some
   * browsers.
   */
  trackChanged: [track: MediaStreamTrack];
  stateChanged: [state: SubscriptionState];
  /** The spatial layer actually received (null: nothing flowing). */
  layersChanged: [spatialLayer: number | null];
  closed: [reason: SubscriptionEndReason];
};

/** Called by the client; not part of the public surface. */
export interface SubscriptionHost {
  onTrack(subscription: Subscription, track: MediaStreamTrack): void;
  onClosed(subscription: Subscription, reason: SubscriptionEndReason): void;
}

let nextLocalId = 1;

/**
 * Remote media being received. It follows a source (a camera's video, a viewer's talkback), not
 * one producer id: when the producer is replaced (media reset, the camera reconnecting) it
 * consumes the new one and swaps the track inside the same `stream`.
 */
export class Subscription extends TypedEmitter<SubscriptionEvents> {
  /** Stable local id (producer ids change across media resets): use it as a UI key. */
  readonly localId = `sub-${nextLocalId++}`;
  readonly kind: 'audio' | 'video';
  readonly source: Source;
  private info: ProducerInfo;
  private _state: SubscriptionState = 'active';
  private consumer: types.Consumer | undefined;
  private consumerType: ConsumerInfo['type'] | undefined;
  private session: MediaSession | undefined;
  private _track: MediaStreamTrack | null = null;
  private _stream: MediaStream | undefined;
  private preferredLayer: number | undefined;
  private requestedLayer: number | undefined;
  private _spatialLayer: number | null = null;
  private readonly lost = new Set<string>();
  private graceTimer: ReturnType<typeof setTimeout> | undefined;

  /** @internal Created by PorchlightClient.watch(). */
  constructor(
    info: ProducerInfo,
    private readonly host: SubscriptionHost,
  ) {
    super();
    this.info = info;
    this.kind = info.kind;
    this.source = info.source;
  }

  /** The producer currently followed (or last followed, while waiting). */
  get producerId(): string {
    return this.info.producerId;
  }

  /** The followed producer as announced (peer, label, layers, paused). */
  get producer(): ProducerInfo {
    return this.info;
  }

  /** `active`, `waiting` for its source to come back, or `closed`. */
  get state(): SubscriptionState {
    return this._state;
  }

  /** The current remote track; null until the first consume completes. */
  get track(): MediaStreamTrack | null {
    return this._track;
  }

  /**
   * One MediaStream for the subscription's whole life; its track is swapped on re-consume.
   * Created on first access (needs a global MediaStream, i.e. a browser).
   */
  get stream(): MediaStream {
    this._stream ??= new MediaStream(this._track ? [this._track] : []);
    return this._stream;
  }

  /** Spatial layer being received, as last reported by the server. */
  get spatialLayer(): number | null {
    return this._spatialLayer;
  }

  /** Server consumer id, if consuming right now. */
  get consumerId(): string | undefined {
    return this.consumer?.id;
  }

  /**
   * Asks for a simulcast layer (0 = lowest). Clamped to the producer's layers; a no-op for
   * single-layer producers. Remembered and re-applied after re-consuming.
   */
  async setPreferredLayer(spatial: number): Promise<void> {
    if (this._state === 'closed') throw new ClosedError('subscription');
    this.preferredLayer = Math.max(0, Math.round(spatial));
    await this.applyLayer();
  }

  /** Stops receiving. Idempotent. */
  close(): void {
    this.end('local');
  }

  /** @internal Identity used to find a replacement producer. */
  get identity(): SourceIdentity {
    return this.info;
  }

  /** @internal Producers this subscription lost and must not rebind to. */
  get lostProducers(): ReadonlySet<string> {
    return this.lost;
  }

  /** @internal Whether media flows from `session` for the current producer. */
  isBoundTo(session: MediaSession): boolean {
    return this.session === session && !!this.consumer && !this.consumer.closed;
  }

  /** @internal Follow `info` (a replacement, or the same producer with updated fields). */
  claim(info: ProducerInfo): void {
    if (this._state === 'closed') return;
    const replaced = info.producerId !== this.info.producerId;
    this.info = info;
    if (replaced) this.release();
    this.clearGrace();
    this.setState('active');
  }

  /** @internal The followed producer is gone: drop media, wait for a replacement. */
  lose(graceMs: number, onExpired: () => void): void {
    if (this._state === 'closed') return;
    this.lost.add(this.info.producerId);
    this.release();
    this.setState('waiting');
    this.clearGrace();
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      onExpired();
    }, graceMs);
  }

  /** @internal Consume the current producer on `session` unless already done. */
  async bind(session: MediaSession): Promise<void> {
    if (this._state !== 'active' || this.isBoundTo(session)) return;
    const info = this.info;
    const wanted = this.wantedLayer();
    const { consumer, type } = await session.consume(info.producerId, {
      streamId: info.peerId,
      ...(wanted !== undefined ? { spatialLayer: wanted } : {}),
    });
    // Closed, re-claimed or reset while consuming: this consumer is for nobody.
    if (this._state !== 'active' || this.info.producerId !== info.producerId || session.closed) {
      session.closeConsumer(consumer);
      return;
    }
    this.release();
    this.consumer = consumer;
    this.consumerType = type;
    this.session = session;
    this.requestedLayer = wanted;
    this._spatialLayer = null;
    this.swapTrack(consumer.track);
  }

  /** @internal The session is gone; its transport already closed the consumer. */
  unbind(): void {
    this.consumer = undefined;
    this.session = undefined;
    this.requestedLayer = undefined;
  }

  /** @internal Server-reported layer change. */
  setSpatialLayer(spatialLayer: number | null): void {
    if (this._spatialLayer === spatialLayer) return;
    this._spatialLayer = spatialLayer;
    this.safeEmit('layersChanged', spatialLayer);
  }

  /**
   * @internal Ends the subscription. Only a 'local' end tells the server: otherwise the producer
   * is gone or the whole client is closing.
   */
  end(reason: SubscriptionEndReason): void {
    if (this._state === 'closed') return;
    this.clearGrace();
    const { consumer, session } = this;
    this.unbind();
    if (consumer && session && reason === 'local') session.closeConsumer(consumer);
    else consumer?.close();
    this.setState('closed');
    this.host.onClosed(this, reason);
    this.safeEmit('closed', reason);
    this.removeAllListeners();
  }

  private release(): void {
    const { consumer, session } = this;
    this.unbind();
    if (consumer && session) session.closeConsumer(consumer);
  }

  private swapTrack(track: MediaStreamTrack): void {
    const stream = this._stream;
    if (stream) {
      for (const old of stream.getTracks()) stream.removeTrack(old);
      stream.addTrack(track);
    }
    this._track = track;
    this.safeEmit('trackChanged', track);
    this.host.onTrack(this, track);
  }

  private wantedLayer(): number | undefined {
    if (this.preferredLayer === undefined || this.info.layers <= 1) return undefined;
    return Math.min(this.preferredLayer, this.info.layers - 1);
  }

  private async applyLayer(): Promise<void> {
    const { consumer, session } = this;
    const layer = this.wantedLayer();
    const layered = this.consumerType === 'simulcast' || this.consumerType === 'svc';
    if (!consumer || !session || !layered || layer === undefined || layer === this.requestedLayer)
      return;
    this.requestedLayer = layer;
    try {
      await session.setConsumerLayers(consumer.id, layer);
    } catch (error) {
      if (this.requestedLayer === layer) this.requestedLayer = undefined;
      // A consumer that died meanwhile gets the preferred layer when re-consumed.
      if (consumer !== this.consumer || session.closed) return;
      throw error;
    }
  }

  private setState(state: SubscriptionState): void {
    if (this._state === state) return;
    this._state = state;
    this.safeEmit('stateChanged', state);
  }

  private clearGrace(): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
  }
}
