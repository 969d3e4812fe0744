/**
 * UDP sinks for bench/fanout.ts, in their own process so that receiving runs on the other core.
 * One socket per consumer on 127.0.0.1, grouped by variant; counts RTP and RTCP packets and RTP
 * bytes per socket. Parent requests (see bench/lib/ipc.ts):
 *   open { group, count }   -> number[] (ports)
 *   totals { group }        -> SinkTotals
 *   close                   -> closes every socket and exits
 */
import dgram from 'node:dgram';
import { emitEvent, serveRpc } from './ipc.ts';

export interface SinkTotals {
  sockets: number;
  rtpPackets: number;
  rtpBytes: number;
  rtcpPackets: number;
  /** RTP packets per socket (same order as opened). */
  perSocket: number[];
  /**
   * RTP packets expected per socket from its sequence numbers (extended highest - first + 1, RFC
   * 3550 style): expected - received = lost, however late the sink reads its buffers.
   */
  expectedPerSocket: number[];
  /** This process's CPU (ms, user + system) so far. */
  cpuMs: number;
  /** hrtime of the sample (ms). */
  atMs: number;
}

interface Group {
  sockets: dgram.Socket[];
  rtpPackets: number[];
  rtpBytes: number[];
  rtcpPackets: number[];
  /** First sequence number seen (-1: none yet) and extended highest sequence number. */
  firstSeq: number[];
  extSeq: number[];
}

/** Receive buffer asked for; Linux caps it at net.core.rmem_max (and doubles it). */
const RECV_BUFFER = 2 * 1024 * 1024;
const groups = new Map<string, Group>();

function group(name: string): Group {
  let g = groups.get(name);
  if (!g) {
    g = { sockets: [], rtpPackets: [], rtpBytes: [], rtcpPackets: [], firstSeq: [], extSeq: [] };
    groups.set(name, g);
  }
  return g;
}

async function openOne(g: Group): Promise<number> {
  const i = g.sockets.length;
  const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER });
  g.sockets.push(sock);
  g.rtpPackets.push(0);
  g.rtpBytes.push(0);
  g.rtcpPackets.push(0);
  g.firstSeq.push(-1);
  g.extSeq.push(-1);
  sock.on('message', (msg) => {
    if (msg.length < 12) return;
    // RFC 5761: with rtcp-mux, RTCP has packet type 192-223 in the second byte.
    const pt = msg[1] as number;
    if (pt >= 192 && pt <= 223) {
      g.rtcpPackets[i]!++;
      return;
    }
    g.rtpPackets[i]!++;
    g.rtpBytes[i]! += msg.length;
    // Sequence numbers stay in clear with SRTP too.
    const seq = msg.readUInt16BE(2);
    const ext = g.extSeq[i]!;
    if (ext < 0) {
      g.firstSeq[i] = seq;
      g.extSeq[i] = seq;
      return;
    }
    let delta = seq - (ext & 0xffff);
    if (delta < -32768) delta += 65536;
    else if (delta > 32768) delta -= 65536;
    if (delta > 0) g.extSeq[i] = ext + delta;
  });
  sock.on('error', (err) => console.error('[sink] socket error', err.message));
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  try {
    sock.setRecvBufferSize(RECV_BUFFER);
  } catch {
    // bound by rmem_max; the createSocket option already asked
  }
  return sock.address().port;
}

const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);

serveRpc(
  {
    open: async ({ group: name, count }: { group: string; count: number }) => {
      const g = group(name);
      const ports: number[] = [];
      for (let i = 0; i < count; i++) ports.push(await openOne(g));
      return ports;
    },
    totals: ({ group: name }: { group: string }): SinkTotals => {
      const g = group(name);
      const cpu = process.cpuUsage();
      return {
        sockets: g.sockets.length,
        rtpPackets: sum(g.rtpPackets),
        rtpBytes: sum(g.rtpBytes),
        rtcpPackets: sum(g.rtcpPackets),
        perSocket: [...g.rtpPackets],
        expectedPerSocket: g.extSeq.map((e, k) => (e < 0 ? 0 : e - g.firstSeq[k]! + 1)),
        cpuMs: (cpu.user + cpu.system) / 1000,
        atMs: performance.now(),
      };
    },
    recvBufferSize: () => {
      const s = [...groups.values()][0]?.sockets[0];
      return s ? s.getRecvBufferSize() : -1;
    },
  },
  () => {
    for (const g of groups.values()) for (const s of g.sockets) s.close();
    groups.clear();
  },
);
emitEvent('ready');
