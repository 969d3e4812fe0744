/**
 * H264 over RTP (RFC 6184), packetization mode 1 as browsers and mediasoup send it: single NAL
 * unit packets, STAP-A and FU-A. Packets come in sequence order (after a ReorderBuffer); a gap in
 * the sequence numbers drops the access unit it touches and every frame after it until the next
 * IDR, since a decoder cannot use frames that refer to a lost one.
 */

export const NAL_IDR = 5;
export const NAL_SPS = 7;
export const NAL_PPS = 8;
const STAP_A = 24;
const FU_A = 28;

/**
 * A frame larger than this is dropped while it is assembled: a 4K intra frame is a few MiB, and
 * a sender that never sets the marker nor changes the timestamp must not grow memory without end.
 */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface AccessUnit {
  /** The frame's NAL units, each prefixed with its 4-byte big-endian length (AVCC). */
  data: Buffer;
  /** Contains an IDR slice. */
  keyframe: boolean;
  /** RTP timestamp (32 bit, as sent). */
  timestamp: number;
  /** Arrival time of the frame's first packet. */
  arrivedAt: number;
}

export interface DepacketizerStats {
  frames: number;
  /** Frames lost or unusable (a missing packet, a broken fragment, waiting for an IDR). */
  droppedFrames: number;
  /** Packets of a NAL type this depacketizer does not handle (STAP-B, MTAP, FU-B). */
  unsupported: number;
  /** Frames dropped for growing past MAX_FRAME_BYTES. */
  oversized: number;
}

interface Pending {
  timestamp: number;
  arrivedAt: number;
  /** NAL units complete so far (without length prefix; FU-A parts still separate). */
  nals: Buffer[][];
  /** A FU-A NAL being reassembled. */
  fu: Buffer[] | undefined;
  keyframe: boolean;
  broken: boolean;
  /** Payload bytes of the frame so far. */
  bytes: number;
}

export class H264Depacketizer {
  #pending: Pending | undefined;
  #expectedSeq: number | undefined;
  #waitForKeyframe = true;
  /** After a gap: the timestamp of the frame it may have hit (all of it is dropped). */
  #skipTimestamp: number | undefined;
  readonly stats: DepacketizerStats = {
    frames: 0,
    droppedFrames: 0,
    unsupported: 0,
    oversized: 0,
  };
  /** Called when a frame was lost and a keyframe is needed to go on. */
  onKeyframeNeeded: () => void = () => {};

  /** True until an IDR was received (at start and after a loss). */
  get waitingForKeyframe(): boolean {
    return this.#waitForKeyframe;
  }

  /**
   * Feeds one packet (`seq` extended, in order); returns the frames it completes (0..2: a frame
   * that ended without a marker bit is completed by the next frame's first packet).
   */
  push(
    seq: number,
    p: { payload: Buffer; timestamp: number; marker: boolean },
    arrivedAt: number,
  ): AccessUnit[] {
    const out: AccessUnit[] = [];
    const first = this.#expectedSeq === undefined;
    const gap = !first && seq !== this.#expectedSeq;
    this.#expectedSeq = seq + 1;
    if (gap) {
      if (this.#pending) this.#drop();
      this.#lost();
    }
    if (first || gap) {
      // We cannot know whether missing packets began this packet's frame, unless the packet
      // opens with an SPS (a keyframe's first NAL): otherwise the whole frame is dropped.
      this.#skipTimestamp = startsWithSps(p.payload) ? undefined : p.timestamp;
      if (this.#skipTimestamp !== undefined) this.stats.droppedFrames++;
    }
    if (this.#skipTimestamp !== undefined) {
      if (p.timestamp === this.#skipTimestamp) return out;
      this.#skipTimestamp = undefined;
    }
    if (this.#pending && this.#pending.timestamp !== p.timestamp) {
      // The previous frame had no marker bit: its packets are all here (no gap), so it is whole.
      const done = this.#complete();
      if (done) out.push(done);
    }
    this.#pending ??= {
      timestamp: p.timestamp,
      arrivedAt,
      nals: [],
      fu: undefined,
      keyframe: false,
      broken: false,
      bytes: 0,
    };
    this.#payload(this.#pending, p.payload);
    if (p.marker) {
      const done = this.#complete();
      if (done) out.push(done);
    }
    return out;
  }

  /** End of stream: a frame still open is incomplete (no marker) and is dropped. */
  end(): void {
    if (this.#pending) this.#drop();
  }

  #payload(f: Pending, payload: Buffer): void {
    if (f.broken) return;
    f.bytes += payload.length;
    if (f.bytes > MAX_FRAME_BYTES) {
      // Its packets go on until the timestamp changes; none of them is held.
      this.stats.oversized++;
      return this.#break(f);
    }
    const type = payload[0]! & 0x1f;
    if (payload[0]! & 0x80) return this.#break(f); // forbidden_zero_bit
    if (type !== FU_A && f.fu) return this.#break(f); // an unfinished fragmented NAL
    if (type >= 1 && type <= 23) {
      this.#nal(f, [payload]);
    } else if (type === STAP_A) {
      for (let p = 1; p < payload.length;) {
        if (p + 2 > payload.length) return this.#break(f);
        const size = payload.readUInt16BE(p);
        p += 2;
        if (size === 0 || p + size > payload.length) return this.#break(f);
        this.#nal(f, [payload.subarray(p, p + size)]);
        p += size;
      }
    } else if (type === FU_A) {
      if (payload.length < 3) return this.#break(f);
      const header = payload[1]!;
      const start = (header & 0x80) !== 0;
      const end = (header & 0x40) !== 0;
      if (start === !!f.fu || (start && end)) return this.#break(f);
      if (start) {
        f.fu = [Buffer.from([(payload[0]! & 0xe0) | (header & 0x1f)])];
      }
      f.fu!.push(payload.subarray(2));
      if (end) {
        const nal = f.fu!;
        f.fu = undefined;
        this.#nal(f, nal);
      }
    } else {
      this.stats.unsupported++;
      this.#break(f);
    }
  }

  #nal(f: Pending, parts: Buffer[]): void {
    const first = parts[0]!;
    if (first.length === 0 || first[0]! & 0x80) return this.#break(f);
    const type = first[0]! & 0x1f;
    if (type === 0) return this.#break(f);
    if (type === NAL_IDR) f.keyframe = true;
    f.nals.push(parts);
  }

  #break(f: Pending): void {
    f.broken = true;
    f.nals = [];
    f.fu = undefined;
  }

  #complete(): AccessUnit | undefined {
    const f = this.#pending!;
    this.#pending = undefined;
    if (f.broken || f.fu || f.nals.length === 0) {
      this.stats.droppedFrames++;
      this.#lost();
      return undefined;
    }
    if (this.#waitForKeyframe && !f.keyframe) {
      this.stats.droppedFrames++;
      return undefined;
    }
    this.#waitForKeyframe = false;
    let size = 0;
    for (const parts of f.nals) for (const b of parts) size += b.length;
    const data = Buffer.allocUnsafe(size + 4 * f.nals.length);
    let at = 0;
    for (const parts of f.nals) {
      let len = 0;
      for (const b of parts) len += b.length;
      data.writeUInt32BE(len, at);
      at += 4;
      for (const b of parts) at += b.copy(data, at);
    }
    this.stats.frames++;
    return { data, keyframe: f.keyframe, timestamp: f.timestamp, arrivedAt: f.arrivedAt };
  }

  #drop(): void {
    this.#pending = undefined;
    this.stats.droppedFrames++;
  }

  #lost(): void {
    if (!this.#waitForKeyframe) this.onKeyframeNeeded();
    this.#waitForKeyframe = true;
  }
}

function startsWithSps(payload: Buffer): boolean {
  const type = payload[0]! & 0x1f;
  if (type === NAL_SPS) return true;
  return type === STAP_A && payload.length > 3 && (payload[3]! & 0x1f) === NAL_SPS;
}

/** The NAL units of an AVCC access unit (views into it). */
export function avccNalUnits(data: Buffer): Buffer[] {
  const nals: Buffer[] = [];
  for (let p = 0; p + 4 <= data.length;) {
    const len = data.readUInt32BE(p);
    nals.push(data.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  return nals;
}
