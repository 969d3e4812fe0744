import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { StunAttr, StunClass, StunMessage, StunMethod } from '../src/stun.ts';
import { StunProbeError, stunProbe } from '../src/stunProbe.ts';

/** A UDP server answering each Binding request with `attr` as its XOR-MAPPED-ADDRESS value. */
async function answering(attr: Buffer): Promise<{ port: number; close: () => void }> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (buf, rinfo) => {
    const request = StunMessage.decode(buf);
    const response = new StunMessage(
      StunMethod.Binding,
      StunClass.SuccessResponse,
      request.transactionId,
    ).add(StunAttr.XorMappedAddress, attr);
    socket.send(response.encode(), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => socket.close() };
}

const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('stunProbe against a server with a malformed XOR-MAPPED-ADDRESS', () => {
  const cases: [string, Buffer][] = [
    ['too short', Buffer.from([0, 1, 0x12])],
    ['unknown family', Buffer.from([0, 3, 0x12, 0x34, 1, 2, 3, 4])],
    ['IPv6 family in 8 bytes', Buffer.from([0, 2, 0x12, 0x34, 1, 2, 3, 4])],
  ];
  it.each(cases)('%s: the probe fails at once with a StunProbeError', async (_name, attr) => {
    const server = await answering(attr);
    servers.push(server);
    const started = performance.now();
    const error = await stunProbe({ host: '127.0.0.1', port: server.port, timeoutMs: 5000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StunProbeError);
    expect((error as Error).message).toMatch(/malformed XOR-MAPPED-ADDRESS/);
    // The answer decided it, not the 5 s timeout.
    expect(performance.now() - started).toBeLessThan(2500);
  });
});
