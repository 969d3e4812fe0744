import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now (also used for UDP; collisions are unlikely). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * coturn in test mode (it may relay to loopback, where the SFU listens in tests) on free ports,
 * with a relay range picked at random so concurrent runs rarely collide.
 */
export async function testTurnConfig() {
  const relayBase = 50_000 + Math.floor(Math.random() * 9_000);
  return {
    enabled: true,
    mode: 'test' as const,
    port: await freePort(),
    tlsPort: await freePort(),
    minPort: relayBase,
    maxPort: relayBase + 40,
  };
}
