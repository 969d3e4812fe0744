import { randomInt, randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { RequestOf } from '@porchlight/protocol';
import { Peer } from '../media/Peer.ts';
import type { Room } from '../media/Room.ts';

/** The payload types and codecs ffmpeg sends with (the router's H264 and Opus, see mediaCodecs.ts). */
export const PLAIN_H264 = {
  mimeType: 'video/H264',
  payloadType: 102,
  clockRate: 90000,
  // Passed-through H264 is declared constrained baseline, the router's only H264; sources with
  // B-frames are transcoded (codecPlan.ts), so what viewers decode has no reordering.
  parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
  rtcpFeedback: [],
};
export const PLAIN_OPUS = {
  mimeType: 'audio/opus',
  payloadType: 100,
  clockRate: 48000,
  channels: 2,
};

/** Where ffmpeg sends one track: RTP and RTCP ports on 127.0.0.1, with this SSRC. */
export interface PlainTrackTarget {
  rtpPort: number;
  rtcpPort: number;
  ssrc: number;
  payloadType: number;
}

/**
 * A camera whose media comes over plain RTP from a local ffmpeg: a server-side Peer (role camera,
 * the device's id) in the device's site Room, with one comedia PlainTransport per track on
 * 127.0.0.1 (the first packets fix ffmpeg's address). Recording and viewers see its producers like
 * a browser camera's. `close` is idempotent; the Room closing (or moving to another worker) ends
 * it too, reported through `onLost`.
 */
export class PlainCamera {
  readonly peer: Peer;
  readonly video: PlainTrackTarget;
  readonly audio: PlainTrackTarget | null;
  readonly #room: Room;
  readonly #transports: types.PlainTransport[];
  readonly #producers: types.Producer[];
  readonly #offRoom: () => void;
  #closed = false;

  private constructor(o: {
    room: Room;
    peer: Peer;
    transports: types.PlainTransport[];
    producers: types.Producer[];
    video: PlainTrackTarget;
    audio: PlainTrackTarget | null;
    onLost: () => void;
  }) {
    this.#room = o.room;
    this.peer = o.peer;
    this.#transports = o.transports;
    this.#producers = o.producers;
    this.video = o.video;
    this.audio = o.audio;
    const lost = (): void => {
      if (this.#closed) return;
      this.close();
      o.onLost();
    };
    o.room.on('close', lost);
    o.room.on('relocated', lost);
    this.#offRoom = () => {
      o.room.off('close', lost);
      o.room.off('relocated', lost);
    };
    for (const p of o.producers) p.observer.once('close', lost);
  }

  static async open(o: {
    room: Room;
    siteId: string;
    deviceId: string;
    label: string;
    audio: boolean;
    /** Called once if the room closes or loses its worker under the camera. */
    onLost: () => void;
  }): Promise<PlainCamera> {
    const peer = new Peer({
      id: randomUUID(),
      siteId: o.siteId,
      role: 'camera',
      label: o.label,
      deviceId: o.deviceId,
      // The server's own peer publishes its device and nothing else.
      can: (action) => action === 'stream:publish',
      notify: () => {},
    });
    o.room.join(peer);
    const transports: types.PlainTransport[] = [];
    const producers: types.Producer[] = [];
    try {
      const track = async (
        kind: 'video' | 'audio',
        codec: typeof PLAIN_H264 | typeof PLAIN_OPUS,
      ): Promise<PlainTrackTarget> => {
        const t = await o.room.router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          rtcpMux: false,
          comedia: true,
          appData: { direction: 'send' },
        });
        transports.push(t);
        // Room only calls produce() and reads appData on a peer's transport.
        peer.transports.set(t.id, t as unknown as types.WebRtcTransport);
        const ssrc = randomInt(1, 2 ** 31);
        const { producerId } = await o.room.produce(peer, {
          transportId: t.id,
          kind,
          source: kind === 'video' ? 'camera' : 'microphone',
          rtpParameters: {
            codecs: [codec],
            encodings: [{ ssrc }],
            rtcp: { cname: `ingest-${o.deviceId.slice(0, 8)}`, reducedSize: false },
          } as unknown as RequestOf<'produce'>['rtpParameters'],
        });
        producers.push(peer.producer(producerId));
        return {
          rtpPort: t.tuple.localPort,
          rtcpPort: t.rtcpTuple?.localPort ?? t.tuple.localPort + 1,
          ssrc,
          payloadType: codec.payloadType,
        };
      };
      const video = await track('video', PLAIN_H264);
      const audio = o.audio ? await track('audio', PLAIN_OPUS) : null;
      return new PlainCamera({ ...o, peer, transports, producers, video, audio });
    } catch (error) {
      o.room.leave(peer);
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** RTP bytes received so far on every track (stall detection). */
  async bytesReceived(): Promise<number> {
    let bytes = 0;
    for (const t of this.#transports) {
      if (t.closed) continue;
      for (const s of await t.getStats()) bytes += s.bytesReceived;
    }
    return bytes;
  }

  /** Publish bitrate (bps) over every producer, as a browser camera reports it. */
  async bitrate(): Promise<number> {
    let bps = 0;
    for (const p of this.#producers) {
      if (p.closed) continue;
      for (const s of await p.getStats()) bps += s.bitrate;
    }
    return bps;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#offRoom();
    // Leaving closes the peer's transports and producers (and the room with its last peer).
    this.#room.leave(this.peer);
    for (const t of this.#transports) t.close();
  }
}
