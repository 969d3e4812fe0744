import type { Device, types } from 'mediasoup-client';
import type { ConsumerInfo, Source, TransportInfo } from '@porchlight/protocol';
import type { IcePolicy } from './defaults.ts';
import type { ForceRelay } from './options.ts';
import { MediaResetError } from './errors.ts';
import { IceWatchdog } from './ice-watchdog.ts';
import type { Signaling } from './signaling.ts';
import type { LabelledReport } from './stats.ts';
import {
  fromWireDtlsParameters,
  fromWireRtpParameters,
  toWireRtpCapabilities,
  toWireRtpParameters,
} from './wire.ts';

export interface MediaSessionOptions {
  device: Device;
  signaling: Signaling;
  iceServers: RTCIceServer[];
  forceRelay: ForceRelay;
  ice: IcePolicy;
  /** Non-fatal background failures (ICE restarts). */
  onError: (error: unknown) => void;
}

export interface ProduceParams {
  track: MediaStreamTrack;
  source: Source;
  paused: boolean;
  targetPeerId?: string;
  encodings?: types.RtpEncodingParameters[];
  codec?: types.RtpCodecCapability;
  codecOptions?: types.ProducerCodecOptions;
}

export interface ConsumeParams {
  /** Peers' streams with the same id are lip-synced by the browser. */
  streamId: string;
  /** Applied before resuming so the first frames already come from the right layer. */
  spatialLayer?: number;
}

export interface ConsumeResult {
  consumer: types.Consumer;
  type: ConsumerInfo['type'];
}

/** What travels from transport.produce() to our 'produce' listener. */
interface ProduceAppData {
  [key: string]: unknown;
  source: Source;
  paused: boolean;
  targetPeerId?: string;
}

/**
 * One generation of media: the send and receive transports (each created on first use) on one
 * server router. A media reset or reconnect closes the whole session and the client opens a new
 * one; anything still running on a closed session fails with MEDIA_RESET.
 */
export class MediaSession {
  private sendTransport: Promise<types.Transport> | undefined;
  private recvTransport: Promise<types.Transport> | undefined;
  private readonly transports: types.Transport[] = [];
  private readonly watchdogs: IceWatchdog[] = [];
  private _closed = false;

  constructor(private readonly options: MediaSessionOptions) {}

  get closed(): boolean {
    return this._closed;
  }

  get device(): Device {
    return this.options.device;
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const watchdog of this.watchdogs) watchdog.dispose();
    // Closing a transport closes its producers and consumers locally (transportclose); the
    // server side is already gone or is cleaned up by the server.
    for (const transport of this.transports) transport.close();
  }

  /**
   * New TURN credentials: future transports use them, and live ones get them for their next ICE
   * gathering (restarts), so a relayed path survives the old credentials expiring.
   */
  async updateIceServers(iceServers: RTCIceServer[]): Promise<void> {
    this.options.iceServers = iceServers;
    await Promise.all(
      this.transports
        .filter((t) => !t.closed)
        .map((t) => t.updateIceServers({ iceServers }).catch(() => undefined)),
    );
  }

  async produce(params: ProduceParams): Promise<types.Producer> {
    const transport = await this.transport('send');
    const appData: ProduceAppData = { source: params.source, paused: params.paused };
    if (params.targetPeerId !== undefined) appData.targetPeerId = params.targetPeerId;
    // The producer starts paused iff the track is disabled (disableTrackOnPause).
    params.track.enabled = !params.paused;
    const options: types.ProducerOptions = {
      track: params.track,
      // The application owns its tracks: they must outlive producers across media resets.
      stopTracks: false,
      appData,
    };
    if (params.encodings) options.encodings = params.encodings;
    if (params.codec) options.codec = params.codec;
    if (params.codecOptions) options.codecOptions = params.codecOptions;
    const producer = await transport.produce(options);
    if (this._closed) {
      producer.close();
      throw new MediaResetError('produce');
    }
    return producer;
  }

  /** Closes a producer here and on the server (best effort: it may be gone already). */
  closeProducer(producer: types.Producer): void {
    if (!producer.closed) producer.close();
    if (!this._closed) this.fireAndForget('closeProducer', producer.id);
  }

  async setProducerPaused(producer: types.Producer, paused: boolean): Promise<void> {
    if (paused) producer.pause();
    else producer.resume();
    if (this._closed) return;
    const payload = { producerId: producer.id };
    if (paused) await this.options.signaling.request('pauseProducer', payload);
    else await this.options.signaling.request('resumeProducer', payload);
  }

  async consume(producerId: string, params: ConsumeParams): Promise<ConsumeResult> {
    const transport = await this.transport('recv');
    const { signaling, device } = this.options;
    const info = await signaling.request('consume', {
      transportId: transport.id,
      producerId,
      rtpCapabilities: toWireRtpCapabilities(device.recvRtpCapabilities),
    });
    if (this._closed) throw new MediaResetError('consume');
    let consumer: types.Consumer | undefined;
    try {
      consumer = await transport.consume({
        id: info.id,
        producerId: info.producerId,
        kind: info.kind,
        rtpParameters: fromWireRtpParameters(info.rtpParameters),
        streamId: params.streamId,
      });
      if (this._closed) throw new MediaResetError('consume');
      if (params.spatialLayer !== undefined && (info.type === 'simulcast' || info.type === 'svc')) {
        await this.setConsumerLayers(info.id, params.spatialLayer);
      }
      // Consumers start paused server-side so no keyframe is lost before we are ready.
      await signaling.request('resumeConsumer', { consumerId: info.id });
      if (this._closed) throw new MediaResetError('consume');
    } catch (error) {
      if (consumer && !consumer.closed) consumer.close();
      if (!this._closed) this.fireAndForget('closeConsumer', info.id);
      throw error;
    }
    return { consumer, type: info.type };
  }

  /** Closes a consumer here and on the server (best effort). */
  closeConsumer(consumer: types.Consumer): void {
    if (!consumer.closed) consumer.close();
    if (!this._closed) this.fireAndForget('closeConsumer', consumer.id);
  }

  async setConsumerLayers(consumerId: string, spatialLayer: number): Promise<void> {
    if (this._closed) return;
    await this.options.signaling.request('setConsumerLayers', { consumerId, spatialLayer });
  }

  /** Stats of the live transports, receive transport first. */
  async getStatsReports(): Promise<LabelledReport[]> {
    const live = await Promise.all(
      [this.recvTransport, this.sendTransport].map((p) => p?.catch(() => undefined)),
    );
    const reports: LabelledReport[] = [];
    for (const transport of live) {
      if (!transport || transport.closed) continue;
      try {
        reports.push({ transportId: transport.id, report: await transport.getStats() });
      } catch {
        // Closed between the check and the call: it simply has no stats any more.
      }
    }
    return reports;
  }

  private transport(direction: 'send' | 'recv'): Promise<types.Transport> {
    if (this._closed) return Promise.reject(new MediaResetError(`${direction} transport`));
    const existing = direction === 'send' ? this.sendTransport : this.recvTransport;
    if (existing) return existing;
    const created = this.createTransport(direction);
    if (direction === 'send') this.sendTransport = created;
    else this.recvTransport = created;
    // A failed creation must not be cached: the next use tries again.
    created.catch(() => {
      if (direction === 'send' && this.sendTransport === created) this.sendTransport = undefined;
      if (direction === 'recv' && this.recvTransport === created) this.recvTransport = undefined;
    });
    return created;
  }

  private async createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const { signaling, device } = this.options;
    const info = await signaling.request('createTransport', { direction });
    if (this._closed) throw new MediaResetError('createTransport');
    const options = this.transportOptions(info);
    const transport =
      direction === 'send'
        ? device.createSendTransport(options)
        : device.createRecvTransport(options);
    this.transports.push(transport);

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      signaling
        .request('connectTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const data = appData as ProduceAppData;
        signaling
          .request('produce', {
            transportId: transport.id,
            kind,
            rtpParameters: toWireRtpParameters(rtpParameters),
            source: data.source,
            paused: data.paused,
            ...(data.targetPeerId !== undefined ? { targetPeerId: data.targetPeerId } : {}),
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    this.watchdogs.push(
      new IceWatchdog(
        transport,
        async () => {
          const { iceParameters } = await signaling.request('restartIce', {
            transportId: transport.id,
          });
          if (!transport.closed) await transport.restartIce({ iceParameters });
        },
        this.options.ice,
        this.options.onError,
      ),
    );
    return transport;
  }

  private transportOptions(info: TransportInfo): types.TransportOptions {
    const options: types.TransportOptions = {
      id: info.id,
      iceParameters: info.iceParameters,
      // mediasoup-client still types the deprecated `ip`; the server may only send `address`.
      iceCandidates: info.iceCandidates.map((c) => ({ ...c, ip: c.ip ?? c.address })),
      dtlsParameters: fromWireDtlsParameters(info.dtlsParameters),
      iceServers: relayServers(this.options.iceServers, this.options.forceRelay),
    };
    if (this.options.forceRelay) options.iceTransportPolicy = 'relay';
    return options;
  }

  private fireAndForget(request: 'closeProducer' | 'closeConsumer', id: string): void {
    const done =
      request === 'closeProducer'
        ? this.options.signaling.request('closeProducer', { producerId: id })
        : this.options.signaling.request('closeConsumer', { consumerId: id });
    // Already gone server-side (NOT_FOUND) or socket down: nothing left to clean up.
    done.catch(() => undefined);
  }
}

/** With a forced relay transport, keep only the TURN URLs of that transport. */
export function relayServers(servers: RTCIceServer[], forceRelay: ForceRelay): RTCIceServer[] {
  if (forceRelay === true || forceRelay === false) return servers;
  const keep = (url: string): boolean =>
    forceRelay === 'tls'
      ? url.startsWith('turns:')
      : url.startsWith('turn:') &&
        (url.includes(`transport=${forceRelay}`) ||
          (forceRelay === 'udp' && !url.includes('transport=')));
  return servers
    .map((s) => ({ ...s, urls: (Array.isArray(s.urls) ? s.urls : [s.urls]).filter(keep) }))
    .filter((s) => s.urls.length > 0);
}
