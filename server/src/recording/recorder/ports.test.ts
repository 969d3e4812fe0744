import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { freeRtpPortPair, udpPortsBound } from './ports.ts';
import { rtcpBye } from './rtcp.ts';

describe('recorder ports', () => {
  it('udpPortsBound resolves as soon as the ports are bound, without touching them', async () => {
    const port = await freeRtpPortPair('127.0.0.1');
    const sockets = [dgram.createSocket('udp4'), dgram.createSocket('udp4')];
    setTimeout(() => {
      sockets[0]!.bind(port, '127.0.0.1');
      sockets[1]!.bind(port + 1, '127.0.0.1');
    }, 100);
    const start = performance.now();
    await udpPortsBound('127.0.0.1', [port, port + 1], () => false, 5000);
    const waited = performance.now() - start;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(1000);
    for (const s of sockets) s.close();
  });

  it('udpPortsBound gives up when the process is gone or at the timeout', async () => {
    const port = await freeRtpPortPair('127.0.0.1');
    const start = performance.now();
    await udpPortsBound('127.0.0.1', [port], () => true, 5000);
    expect(performance.now() - start).toBeLessThan(100);
    await udpPortsBound('127.0.0.1', [port], () => false, 200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(190);
  });

  it('rtcpBye is an RR + BYE compound of at least 12 bytes (ffmpeg ignores shorter packets)', () => {
    const b = rtcpBye(0xdeadbeef);
    expect(b.length).toBeGreaterThanOrEqual(12);
    expect([b[0]! >> 6, b[1], b.readUInt16BE(2)]).toStrictEqual([2, 201, 1]);
    expect([b[8]! >> 6, b[8]! & 0x1f, b[9], b.readUInt16BE(10)]).toStrictEqual([2, 1, 203, 1]);
    expect(b.readUInt32BE(12)).toBe(0xdeadbeef);
  });
});
