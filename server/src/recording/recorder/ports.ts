import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';

/** Above Linux's ephemeral range (32768-60999) and mediasoup's default (10000-59999). */
const MIN = 61_000;
const MAX = 64_998;

function tryBind(port: number, ip: string): Promise<dgram.Socket | null> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(null);
    });
    s.bind(port, ip, () => resolve(s));
  });
}

/**
 * An even/odd UDP port pair (RTP, RTCP) free right now, for an ffmpeg receiver. Probed by binding
 * both; ffmpeg binds them a moment later, so a collision is possible but detected (ffmpeg exits
 * and the recorder restarts on another pair).
 */
export async function freeRtpPortPair(ip: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = MIN + 2 * Math.floor((Math.random() * (MAX - MIN)) / 2);
    const a = await tryBind(port, ip);
    if (!a) continue;
    const b = await tryBind(port + 1, ip);
    a.close();
    if (!b) continue;
    b.close();
    return port;
  }
  throw new Error('no free UDP port pair for a recorder');
}

/** Linux lists bound UDP sockets here; reading it has no effect on them (a probe bind would). */
const PROC_UDP = ['/proc/net/udp', '/proc/net/udp6'];

/** Ports (hex, as /proc prints them) bound on `ip` (IPv4) or on any address. */
async function boundUdpPorts(ip: string): Promise<Set<string> | null> {
  const ipHex = ip
    .split('.')
    .reverse()
    .map((b) => Number(b).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
  const ports = new Set<string>();
  for (const [i, file] of PROC_UDP.entries()) {
    const text = await readFile(file, 'latin1').catch(() => null);
    // udp6 is absent when IPv6 is disabled; without udp there is nothing to go by.
    if (text === null && i === 0) return null;
    if (text === null) continue;
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (!local) continue;
      const [addr, port] = local.split(':') as [string, string];
      if (addr === ipHex || /^0+$/.test(addr)) ports.add(port);
    }
  }
  return ports;
}

/**
 * Resolves once every port is bound (ffmpeg opened its RTP/RTCP sockets), `gone()` is true, or
 * `timeoutMs` passed. Without /proc it waits a fixed 300 ms, the old behaviour.
 */
export async function udpPortsBound(
  ip: string,
  ports: readonly number[],
  gone: () => boolean,
  timeoutMs = 5000,
): Promise<void> {
  const wanted = ports.map((p) => p.toString(16).toUpperCase().padStart(4, '0'));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    const bound = await boundUdpPorts(ip);
    if (bound === null) return sleep(300);
    if (wanted.every((p) => bound.has(p))) return;
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
