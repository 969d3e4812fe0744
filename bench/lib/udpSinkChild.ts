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
}

/** Receive buffer asked for; Linux caps it at net.core.rmem_max (and doubles it). */
const RECV_BUFFER = 2 * 1024 * 1024;
const groups = new Map<string, Group>();

function group(name: string): Group {
  let g = groups.get(name);
  if (!g) {
    g = { sockets: [], rtpPackets: [], rtpBytes: [], rtcpPackets: [] };
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
  sock.on('message', (msg) => {
    // RFC 5761: with rtcp-mux, RTCP has packet type 192-223 in the second byte.
    const pt = msg.length > 1 ? (msg[1] as number) : 0;
    if (pt >= 192 && pt <= 223) {
      g.rtcpPackets[i]!++;
    } else {
      g.rtpPackets[i]!++;
      g.rtpBytes[i]! += msg.length;
    }
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
