/**
 * RTP packets (RFC 3550 5.1) as they reach a recorder from mediasoup. Parsing never throws: a
 * malformed datagram yields its reason, so the receive loop can count and drop it.
 */

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  /** 32-bit media timestamp, as sent. */
  timestamp: number;
  ssrc: number;
  /** The payload without header, CSRCs, extension and padding (a view into the datagram). */
  payload: Buffer;
}

export type RtpParseFailure =
  'short' | 'version' | 'csrc-overrun' | 'extension-overrun' | 'padding' | 'empty' | 'rtcp';

export type RtpParseResult =
  { ok: true; packet: RtpPacket } | { ok: false; reason: RtpParseFailure };

const HEADER = 12;

/** RTCP packet types 192..223 occupy these values of the RTP payload-type byte (RFC 5761 4). */
export function isRtcp(datagram: Buffer): boolean {
  if (datagram.length < 2) return false;
  const pt = datagram[1]! & 0x7f;
  return pt >= 64 && pt <= 95;
}

export function parseRtp(datagram: Buffer): RtpParseResult {
  if (datagram.length < HEADER) return { ok: false, reason: 'short' };
  const b0 = datagram[0]!;
  if (b0 >> 6 !== 2) return { ok: false, reason: 'version' };
  if (isRtcp(datagram)) return { ok: false, reason: 'rtcp' };
  let offset = HEADER + (b0 & 0x0f) * 4;
  if (offset > datagram.length) return { ok: false, reason: 'csrc-overrun' };
  if (b0 & 0x10) {
    if (offset + 4 > datagram.length) return { ok: false, reason: 'extension-overrun' };
    offset += 4 + datagram.readUInt16BE(offset + 2) * 4;
    if (offset > datagram.length) return { ok: false, reason: 'extension-overrun' };
  }
  let end = datagram.length;
  if (b0 & 0x20) {
    const padding = datagram[end - 1]!;
    if (padding === 0 || end - padding < offset) return { ok: false, reason: 'padding' };
    end -= padding;
  }
  // Padding-only packets (bandwidth probes) carry no media.
  if (end === offset) return { ok: false, reason: 'empty' };
  return {
    ok: true,
    packet: {
      payloadType: datagram[1]! & 0x7f,
      marker: (datagram[1]! & 0x80) !== 0,
      sequenceNumber: datagram.readUInt16BE(2),
      timestamp: datagram.readUInt32BE(4),
      ssrc: datagram.readUInt32BE(8),
      payload: datagram.subarray(offset, end),
    },
  };
}

/** Builds a minimal RTP packet (tests, simulated cameras). */
export function serializeRtp(p: Omit<RtpPacket, 'payload'> & { payload: Buffer }): Buffer {
  const out = Buffer.allocUnsafe(HEADER + p.payload.length);
  out[0] = 0x80;
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  out.writeUInt16BE(p.sequenceNumber & 0xffff, 2);
  out.writeUInt32BE(p.timestamp >>> 0, 4);
  out.writeUInt32BE(p.ssrc >>> 0, 8);
  p.payload.copy(out, HEADER);
  return out;
}

/**
 * Extends a wrapping counter (16-bit sequence numbers, 32-bit timestamps) to a monotonic-ish
 * number: each value is placed in the cycle closest to the previous one.
 */
export class Unwrapper {
  readonly #modulus: number;
  #last: number | undefined;

  constructor(bits: 16 | 32) {
    this.#modulus = 2 ** bits;
  }

  unwrap(value: number): number {
    if (this.#last === undefined) {
      this.#last = value;
      return value;
    }
    const m = this.#modulus;
    const low = ((this.#last % m) + m) % m;
    let delta = value - low;
    if (delta > m / 2) delta -= m;
    else if (delta < -m / 2) delta += m;
    const extended = this.#last + delta;
    this.#last = extended;
    return extended;
  }
}
