/**
 * Opus over RTP (RFC 7587): one Opus packet per RTP packet, every packet decodable on its own,
 * so loss needs no special care. The sample duration comes from the TOC byte (RFC 6716 3.1).
 */

export interface AudioFrame {
  data: Buffer;
  timestamp: number;
  arrivedAt: number;
  /** Samples at 48 kHz this packet decodes to (0 when the packet is malformed). */
  samples: number;
}

/** Frame sizes in 48 kHz samples by TOC config (RFC 6716 table 2). */
const FRAME_SAMPLES = [
  480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 480, 960, 120, 240,
  480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960,
];

/** Samples (48 kHz) in one Opus packet, 0 if it cannot be a valid packet. */
export function opusPacketSamples(packet: Buffer): number {
  if (packet.length === 0) return 0;
  const toc = packet[0]!;
  const frame = FRAME_SAMPLES[toc >> 3]!;
  const code = toc & 3;
  if (code === 0) return frame;
  if (code === 1 || code === 2) return 2 * frame;
  if (packet.length < 2) return 0;
  const count = packet[1]! & 0x3f;
  // At most 120 ms per packet.
  return count === 0 || count * frame > 5760 ? 0 : count * frame;
}

export function depacketizeOpus(
  p: { payload: Buffer; timestamp: number },
  arrivedAt: number,
): AudioFrame | undefined {
  const samples = opusPacketSamples(p.payload);
  if (samples === 0) return undefined;
  return { data: p.payload, timestamp: p.timestamp, arrivedAt, samples };
}
