import type os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintTurnCredentials } from '../src/credentials.ts';
import { hostSubnets } from '../src/ipRanges.ts';
import { RelayFirewall } from '../src/RelayFirewall.ts';
import { LOOPBACK, newSecret, startCountingPeer, startTurn, type TestTurn } from './helpers/env.ts';
import { TurnTestClient } from './helpers/TurnTestClient.ts';

/**
 * Finding 1 against the real coturn 4.6.1: a guest's TURN allocation reaches neither the special
 * ranges nor the host's own subnets, the SFU's address stays reachable, and on the SFU's host only
 * the SFU's ports are (coturn permits whole addresses; the nftables relay firewall adds ports).
 */

const secret = newSecret();

async function client(turn: TestTurn, userId: string): Promise<TurnTestClient> {
  const creds = mintTurnCredentials({ secret, userId });
  return TurnTestClient.create({
    server: { host: LOOPBACK, port: turn.port },
    username: creds.username,
    password: creds.credential,
  });
}

/** A host whose LAN is 198.18.0.0/15-free public space, so only the derived list can deny it. */
const FAKE_INTERFACES: NodeJS.Dict<os.NetworkInterfaceInfo[]> = {
  eth0: [
    {
      address: '8.8.8.1',
      netmask: '255.255.255.0',
      family: 'IPv4',
      mac: '00:00:00:00:00:01',
      internal: false,
      cidr: '8.8.8.1/24',
    },
  ],
};
const SFU = '8.8.8.8';

describe('production peer policy', () => {
  let turn: TestTurn;
  beforeAll(async () => {
    turn = await startTurn({
      secrets: [secret],
      mode: 'production',
      deniedPeerIps: hostSubnets(FAKE_INTERFACES),
      allowedPeerIps: [SFU],
    });
  });
  afterAll(async () => {
    await turn?.close();
  });

  it('refuses the special ranges, IPv6 loopback forms and the host subnets; allows the SFU', async () => {
    const c = await client(turn, 'guest.g1.site');
    try {
      expect((await c.allocate()).ok).toBe(true);
      const refused = [
        '192.0.2.1',
        '198.51.100.7',
        '203.0.113.9',
        '192.88.99.1',
        '8.8.8.9', // the host's own subnet, derived from its interfaces
        '8.8.8.1', // the host itself
        '::7f00:1',
        '::ffff:0:7f00:1',
        '::ffff:127.0.0.1',
        '::1',
        '2002:7f00:1::1',
        '2001::1',
        '64:ff9b:1::7f00:1',
      ];
      for (const ip of refused) {
        const res = await c.createPermission(ip);
        expect({ ip, ok: res.ok }).toEqual({ ip, ok: false });
      }
      for (const ip of [SFU, '9.9.9.9']) {
        const res = await c.createPermission(ip);
        expect({ ip, ok: res.ok, code: res.code }).toEqual({ ip, ok: true, code: undefined });
      }
    } finally {
      c.close();
    }
  });

  it('derives the subnets from the interfaces', () => {
    expect(hostSubnets(FAKE_INTERFACES)).toEqual(['8.8.8.0/24']);
    const real = hostSubnets();
    expect(real).toContain('127.0.0.0/8');
  });
});

describe('relay firewall: on the SFU host only the SFU ports', () => {
  let turn: TestTurn;
  let firewall: RelayFirewall | undefined;
  let sfu: Awaited<ReturnType<typeof startCountingPeer>>;
  let other: Awaited<ReturnType<typeof startCountingPeer>>;

  beforeAll(async () => {
    // Test mode allows loopback peers, standing in for allowed-peer-ip=<SFU host>.
    [turn, sfu, other] = await Promise.all([
      startTurn({ secrets: [secret] }),
      startCountingPeer(),
      startCountingPeer(),
    ]);
    const o = turn.supervisor.turnConfig.options;
    firewall = await RelayFirewall.install({
      table: `porchlight_relay_test_${process.pid}`,
      relayPorts: { min: o.minPort, max: o.maxPort },
      hostAddresses: [LOOPBACK],
      allowedPorts: [sfu.port],
    });
  });
  afterAll(async () => {
    await firewall?.close();
    sfu?.close();
    other?.close();
    await turn?.close();
  });

  it('relays to the SFU port and drops what goes to another port of the host', async () => {
    const c = await client(turn, 'guest.g2.site');
    try {
      expect((await c.allocate()).ok).toBe(true);
      expect((await c.createPermission(LOOPBACK)).ok).toBe(true);
      for (let i = 0; i < 3; i++) {
        c.send({ address: LOOPBACK, port: other.port }, Buffer.from(`probe-${i}`));
        // Same allocation, same path: once the SFU's echo is back the probe was handled.
        c.send({ address: LOOPBACK, port: sfu.port }, Buffer.from(`media-${i}`));
        await c.receive(`media-${i}`, 5000);
      }
      expect(sfu.received.map(String)).toEqual(['media-0', 'media-1', 'media-2']);
      expect(other.received).toHaveLength(0);
    } finally {
      c.close();
    }
  });
});
