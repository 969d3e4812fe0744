import type { Fmp4Muxer } from '../mux/Fmp4Muxer.ts';
import { H264Depacketizer } from '../rtp/H264Depacketizer.ts';
import { MediaClock } from '../rtp/MediaClock.ts';
import { depacketizeOpus } from '../rtp/OpusDepacketizer.ts';
import { ReorderBuffer, type Ordered } from '../rtp/ReorderBuffer.ts';
import { parseRtp, type RtpParseFailure } from '../rtp/RtpPacket.ts';

export interface RtpTrack {
  kind: 'video' | 'audio';
  ssrc: number;
  payloadType: number;
  clock: MediaClock;
  reorder: ReorderBuffer;
  /** H264 (video); audio is Opus, one packet a frame. */
  depacketizer: H264Depacketizer | undefined;
}

/** A track of the pipeline for one consumer's SSRC, payload type and clock rate. */
export function rtpTrack(o: {
  kind: 'video' | 'audio';
  ssrc: number;
  payloadType: number;
  clockRate: number;
}): RtpTrack {
  return {
    ...o,
    clock: new MediaClock(o.clockRate),
    reorder: new ReorderBuffer(),
    depacketizer: o.kind === 'video' ? new H264Depacketizer() : undefined,
  };
}

/**
 * The bytes path of the in-process recorder: datagrams (any bytes: what mediasoup forwards comes
 * from cameras) → RTP parse → the track of their SSRC → reorder → depacketize → the muxer.
 * Malformed or foreign datagrams are counted and dropped; nothing here throws on input.
 */
export class RtpPipeline {
  /** Datagrams dropped, by reason (malformed, RTCP, unknown SSRC). */
  readonly dropped: Partial<Record<RtpParseFailure | 'ssrc', number>> = {};
  bytes = 0;

  constructor(
    readonly tracks: readonly RtpTrack[],
    readonly muxer: Fmp4Muxer,
  ) {}

  push(datagram: Buffer, arrivedAt: number): void {
    this.bytes += datagram.length;
    const parsed = parseRtp(datagram);
    if (!parsed.ok) {
      this.dropped[parsed.reason] = (this.dropped[parsed.reason] ?? 0) + 1;
      return;
    }
    const p = parsed.packet;
    const track = this.tracks.find((t) => t.ssrc === p.ssrc && t.payloadType === p.payloadType);
    if (!track) {
      this.dropped.ssrc = (this.dropped.ssrc ?? 0) + 1;
      return;
    }
    track.clock.observe(p.timestamp, arrivedAt);
    this.#deliver(track, track.reorder.push(p, arrivedAt));
  }

  /** End of stream: what is held is written out and the muxer ends. */
  flush(): void {
    for (const t of this.tracks) {
      this.#deliver(t, t.reorder.flush());
      t.depacketizer?.end();
    }
    this.muxer.end();
  }

  #deliver(track: RtpTrack, ordered: Ordered[]): void {
    for (const o of ordered) {
      if (track.depacketizer) {
        for (const au of track.depacketizer.push(o.seq, o.packet, o.arrivedAt)) {
          this.muxer.addVideo({
            data: au.data,
            keyframe: au.keyframe,
            time: track.clock.extend(au.timestamp),
            arrivedAt: au.arrivedAt,
          });
        }
      } else {
        const frame = depacketizeOpus(o.packet, o.arrivedAt);
        if (!frame) continue;
        this.muxer.addAudio({
          data: frame.data,
          samples: frame.samples,
          time: track.clock.extend(frame.timestamp),
          arrivedAt: frame.arrivedAt,
        });
      }
    }
  }
}
