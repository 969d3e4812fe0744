/** An H264 RTP packetizer (RFC 6184 mode 1) for tests: single NAL, STAP-A and FU-A as browsers do. */

export interface SentPacket {
  payload: Buffer;
  marker: boolean;
  timestamp: number;
}

/** Packets of one access unit (NAL units without start codes or lengths). */
export function packetizeH264(
  nals: Buffer[],
  timestamp: number,
  mtu: number,
  marker = true,
): SentPacket[] {
  const payloads: Buffer[] = [];
  let stap: Buffer[] = [];
  const flushStap = (): void => {
    if (stap.length === 1) payloads.push(stap[0]!);
    else if (stap.length > 1) {
      const nri = Math.max(...stap.map((n) => n[0]! & 0x60));
      const parts: Buffer[] = [Buffer.from([nri | 24])];
      for (const n of stap) {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(n.length);
        parts.push(len, n);
      }
      payloads.push(Buffer.concat(parts));
    }
    stap = [];
  };
  const stapSize = (): number => 1 + stap.reduce((s, n) => s + 2 + n.length, 0);
  for (const nal of nals) {
    if (nal.length + 3 <= mtu && stapSize() + 2 + nal.length <= mtu) {
      stap.push(nal);
      continue;
    }
    flushStap();
    if (nal.length <= mtu) {
      stap.push(nal);
      continue;
    }
    const indicator = (nal[0]! & 0xe0) | 28;
    const type = nal[0]! & 0x1f;
    const body = nal.subarray(1);
    const chunk = mtu - 2;
    for (let p = 0; p < body.length; p += chunk) {
      const start = p === 0 ? 0x80 : 0;
      const end = p + chunk >= body.length ? 0x40 : 0;
      payloads.push(
        Buffer.concat([Buffer.from([indicator, start | end | type]), body.subarray(p, p + chunk)]),
      );
    }
  }
  flushStap();
  return payloads.map((payload, i) => ({
    payload,
    timestamp,
    marker: marker && i === payloads.length - 1,
  }));
}

/** AVCC form (4-byte lengths) of NAL units. */
export function avcc(nals: Buffer[]): Buffer {
  return Buffer.concat(
    nals.flatMap((n) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(n.length);
      return [len, n];
    }),
  );
}
