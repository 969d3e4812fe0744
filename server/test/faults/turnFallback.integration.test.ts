import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetNamespace } from '../../../tests/support/netns.ts';
import { NetPeer } from '../../../tests/support/netPeers.ts';
import { freePort, testTurnConfig } from '../../../tests/support/ports.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { until } from '../../../tests/support/until.ts';

/**
 * TURN fallback on a real network path: the viewer (the SDK on libwebrtc, its own process) sits in
 * a network namespace behind nftables rules, the camera in another with a clear path. Nobody
 * forces relay: the SDK is given the server's TURN URLs (udp, tcp, tls) and ICE has to find the
 * path that works. coturn runs with the production peer policy and relay firewall. Cases: direct media cut mid-call (the SFU's media ports closed both ways while
 * signaling and TURN stay open), and a network that drops every UDP packet (TURN over TCP).
 * See docs/reliability.md, "Network faults".
 */
describe('TURN fallback when direct media is blocked', () => {
  let camNs: NetNamespace;
  let viewNs: NetNamespace;
  let ts: TestServer;
  let url: string;
  let turn: Awaited<ReturnType<typeof testTurnConfig>>;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    camNs = new NetNamespace(0);
    viewNs = new NetNamespace(1);
    // TURN as a real box runs it: production peer policy (private ranges and the host's own
    // subnets denied but the SFU's address) behind the relay firewall, which needs a fixed
    // media port (and root, as this test has).
    turn = await testTurnConfig();
    ts = await startTestServer({
      host: camNs.hostIp,
      publicHost: camNs.hostIp,
      media: {
        listenIp: camNs.hostIp,
        announcedAddress: camNs.hostIp,
        rtcPort: await freePort(),
      },
      turn: { ...turn, mode: 'production', relayFirewall: 'on' },
    });
    await until(() => ts.server.turn!.supervisor.healthy, 'coturn healthy', 30_000);
    url = `https://${camNs.hostIp}:${ts.server.port}`;
    const camera = new NetPeer(camNs, {
      role: 'camera',
      url,
      token: await ts.mint('camera', { label: 'Porch' }),
      width: 320,
      height: 240,
    });
    closers.push(() => camera.close());
    await camera.until('the camera to send', (r) => r.transports.includes('connected'), 45_000);
  });

  afterAll(async () => {
    for (const close of closers.reverse()) close();
    await ts?.close();
    for (const ns of [camNs, viewNs]) ns?.close();
  });

  async function viewer(): Promise<NetPeer> {
    const peer = new NetPeer(viewNs, { role: 'viewer', url, token: await ts.mint('viewer') });
    closers.push(() => peer.close());
    return peer;
  }

  it('a call whose direct path is cut goes on through TURN without a reload', async () => {
    const peer = await viewer();
    const direct = await peer.until(
      '30 frames over the direct path',
      (r) => r.frames >= 30 && r.candidatePairType !== null,
      45_000,
    );
    // The control: with the path clear, ICE does not pick the relay.
    expect(direct.candidatePairType).not.toBe('relay');

    // Only signaling (HTTPS) and TURN reach the server from now on, both ways.
    viewNs.only(camNs.hostIp, { tcp: [ts.server.port, turn.port, turn.tlsPort], udp: [turn.port] });
    const t0 = Date.now();
    const cut = await peer.until(
      'frames to stop',
      (r) => r.lastFrameAt > 0 && Date.now() - r.lastFrameAt > 1000,
      30_000,
    );
    const back = await peer.until(
      '30 frames over the relay',
      (r) => r.frames >= cut.frames + 30 && r.candidatePairType === 'relay',
      90_000,
    );
    expect(back.relayProtocol).toBe('udp');
    expect(back.state).toBe('connected');
    const firstFrame = back.freezes.at(-1)?.endAt ?? back.at;
    const ice = back.stateLog.filter((l) => l.at >= t0).map((l) => `${l.states} ${l.at - t0}`);
    console.info(
      `[faults] direct path cut: first frame ${firstFrame - t0} ms after the cut, 30 relayed ` +
        `frames ${Date.now() - t0} ms (frozen from ${cut.lastFrameAt - t0} ms; ${ice.join(', ')} ` +
        `ms), pair ${direct.candidatePairType} -> relay/udp`,
    );
    peer.close();
    viewNs.clearRules();
  }, 180_000);

  it('a viewer on a network that drops all UDP plays through TURN over TCP', async () => {
    viewNs.only(camNs.hostIp, { tcp: [ts.server.port, turn.port, turn.tlsPort], udp: 'none' });
    const t0 = Date.now();
    const peer = await viewer();
    const playing = await peer.until('30 frames', (r) => r.frames >= 30, 90_000);
    const pair = await peer.until('the selected pair', (r) => r.relayProtocol !== null, 10_000);
    expect(pair.candidatePairType).toBe('relay');
    expect(['tcp', 'tls']).toContain(pair.relayProtocol);
    console.info(
      `[faults] all UDP dropped: 30 frames ${playing.at - t0} ms after start, relay over ${pair.relayProtocol}`,
    );
  }, 150_000);
});
