import dgram from 'node:dgram';

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
