import type { types } from 'mediasoup-client';
import type { Source } from '@porchlight/protocol';
import { audioCodecOptions, pickVideoCodec, type VideoCodecName } from './codecs.ts';
import { DEFAULT_VIDEO_CODEC } from './defaults.ts';
import { TypedEmitter } from '@porchlight/emitter';
import { chooseEncodings, trackWidth } from './encodings.ts';
import { ClosedError, isPorchlightError } from './errors.ts';
import type { MediaSession, ProduceParams } from './media-session.ts';

/** Options of {@link PorchlightClient.publish}. */
export interface PublishOptions {
  /** What the track is; the server checks it against the token's role. */
  source: Source;
  /** Video only: send simulcast layers when the track is wide enough. Default true. */
  simulcast?: boolean;
  /** Video only: preferred codec, the other of H264/VP8 is the fallback. Default 'h264'. */
  codec?: VideoCodecName;
  /** Start paused (e.g. push-to-talk). Default false. */
  paused?: boolean;
  /**
   * Talkback only: the camera peer to talk to. Default: the camera being watched, i.e. the one
   * camera whose media this client consumes when it is produced (the server decides; none or
   * several is BAD_REQUEST). After a reconnect it is re-produced once subscriptions are back.
   */
  targetPeerId?: string;
}

/** Events of a {@link Publication}. */
export type PublicationEvents = {
  /** The server-side producer changed: a new id after a media reset or reconnect, null meanwhile. */
  idChanged: [id: string | null];
  pausedChanged: [paused: boolean];
  closed: [];
};

/** Called by the client; not part of the public surface. */
export interface PublicationHost {
  onClosed(publication: Publication): void;
}

/**
 * A local track being sent. It outlives producers: after a media reset or reconnect the client
 * produces it again (same track, same pause state) and `id` changes.
 */
export class Publication extends TypedEmitter<PublicationEvents> {
  readonly source: Source;
  readonly kind: 'audio' | 'video';
  private producer: types.Producer | undefined;
  private session: MediaSession | undefined;
  private _paused: boolean;
  private _closed = false;

  /** @internal Created by PorchlightClient.publish(). */
  constructor(
    readonly track: MediaStreamTrack,
    private readonly options: PublishOptions,
    private readonly host: PublicationHost,
  ) {
    super();
    this.source = options.source;
    this.kind = track.kind === 'video' ? 'video' : 'audio';
    this._paused = options.paused ?? false;
    // Paused means a disabled track (mediasoup's disableTrackOnPause), even before producing.
    if (this._paused) track.enabled = false;
  }

  /** Current server producer id; null while (re)publishing. */
  get id(): string | null {
    return this.producer?.id ?? null;
  }

  /** Paused by `pause()` (nothing is sent; push-to-talk released). */
  get paused(): boolean {
    return this._paused;
  }

  /** Closed for good (`close()`, or the client closed). */
  get closed(): boolean {
    return this._closed;
  }

  /** The target as asked; undefined means "the camera being watched" (see PublishOptions). */
  get targetPeerId(): string | undefined {
    return this.options.targetPeerId;
  }

  /**
   * The sender's WebRTC stats (outbound-rtp per simulcast layer: framesPerSecond,
   * qualityLimitationReason, ...); null while (re)publishing.
   */
  async getStats(): Promise<RTCStatsReport | null> {
    const producer = this.producer;
    return producer && !producer.closed ? producer.getStats() : null;
  }

  /** Stops sending (the server pauses the producer; consumers get producerPaused). */
  pause(): Promise<void> {
    return this.setPaused(true);
  }

  /** Sends media again after `pause()` (push-to-talk: while the button is held). */
  resume(): Promise<void> {
    return this.setPaused(false);
  }

  /** Stops publishing. Idempotent. The track is left running: it belongs to the caller. */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    const { producer, session } = this;
    this.producer = undefined;
    this.session = undefined;
    if (producer && session) session.closeProducer(producer);
    else producer?.close();
    // Pausing disabled the caller's track; hand it back as it was given.
    this.track.enabled = true;
    this.host.onClosed(this);
    this.safeEmit('closed');
    this.removeAllListeners();
  }

  /** @internal Produces on `session` unless already bound to it. */
  async bind(session: MediaSession): Promise<void> {
    if (this._closed || (this.session === session && this.producer && !this.producer.closed))
      return;
    const producer = await session.produce(this.produceParams(session));
    if (this._closed) {
      session.closeProducer(producer);
      return;
    }
    this.producer = producer;
    this.session = session;
    this.safeEmit('idChanged', producer.id);
    // pause()/resume() may have been called while producing.
    if (producer.paused !== this._paused) await this.applyPaused();
  }

  /** @internal The session is gone (its transport closed the producer). */
  unbind(): void {
    if (!this.producer) return;
    this.producer = undefined;
    this.session = undefined;
    this.safeEmit('idChanged', null);
  }

  /** @internal The client is closing: end without talking to the server. */
  dispose(): void {
    this.session = undefined;
    this.close();
  }

  private async setPaused(paused: boolean): Promise<void> {
    if (this._closed) throw new ClosedError('publication');
    if (this._paused === paused) return;
    this._paused = paused;
    this.safeEmit('pausedChanged', paused);
    if (!this.producer) {
      // Not producing right now: bind() applies it (through track.enabled).
      this.track.enabled = !paused;
      return;
    }
    await this.applyPaused();
  }

  private async applyPaused(): Promise<void> {
    const { producer, session } = this;
    if (!producer || !session) return;
    try {
      await session.setProducerPaused(producer, this._paused);
    } catch (error) {
      // The producer died meanwhile; the next bind() re-produces in the wanted state.
      if (producer !== this.producer || isPorchlightError(error, 'NOT_CONNECTED') || session.closed)
        return;
      throw error;
    }
  }

  private produceParams(session: MediaSession): ProduceParams {
    const params: ProduceParams = { track: this.track, source: this.source, paused: this._paused };
    if (this.options.targetPeerId !== undefined) params.targetPeerId = this.options.targetPeerId;
    const caps = session.device.sendRtpCapabilities;
    if (this.kind === 'video') {
      const codec = pickVideoCodec(caps, this.options.codec ?? DEFAULT_VIDEO_CODEC);
      if (codec) params.codec = codec;
      // Width is read at each (re)publish: the camera may have been switched meanwhile.
      const encodings = chooseEncodings(trackWidth(this.track), this.options.simulcast ?? true);
      if (encodings) params.encodings = encodings;
    } else {
      params.codecOptions = audioCodecOptions();
    }
    return params;
  }
}
