import dgram from 'node:dgram';

/** Where one track's RTCP goes (ffmpeg's RTCP port) and the SSRC it receives. */
export interface ByeTarget {
  port: number;
  ssrc: number;
}

/**
 * An RTCP receiver report followed by a BYE (RFC 3550 6.6): ffmpeg's RTP demuxer drops packets
 * shorter than 12 bytes, and a lone BYE is 8, so the empty RR pads the compound.
 */
export function rtcpBye(ssrc: number): Buffer {
  const b = Buffer.alloc(16);
  b[0] = 0x80; // V=2, no report blocks
  b[1] = 201; // RR
  b.writeUInt16BE(1, 2);
  b.writeUInt32BE(ssrc, 4);
  b[8] = 0x81; // V=2, one SSRC
  b[9] = 203; // BYE
  b.writeUInt16BE(1, 10);
  b.writeUInt32BE(ssrc, 12);
  return b;
}

/**
 * Sends a BYE to every track of a recorder. ffmpeg's SDP demuxer ends its input once each stream
 * got one, then flushes what it holds and exits 0, with or without media still arriving.
 */
export async function sendRtcpBye(ip: string, targets: readonly ByeTarget[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  try {
    for (const t of targets) {
      await new Promise<void>((resolve, reject) =>
        socket.send(rtcpBye(t.ssrc), t.port, ip, (e) => (e ? reject(e) : resolve())),
      );
    }
  } finally {
    socket.close();
  }
}
