import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetNamespace } from '../../../tests/support/netns.ts';
import { NetPeer } from '../../../tests/support/netPeers.ts';
import type { NetPeerReport } from '../../../tests/support/netPeer.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { UdpJitterRelay } from '../../../tests/support/udpJitterRelay.ts';

/**
 * Fault injection on real network paths: a camera and viewers (the SDK on libwebrtc, each its own
 * process) live in network namespaces joined to the host by veth pairs; the server is on the host.
 * Faults go on those links (nftables loss and blackouts, tc tbf caps, a userspace jitter relay)
 * and what a person would notice is measured from the viewer's decoded frames and printed.
 * See docs/reliability.md, "Network faults".
 */

/** Frames per second and frozen seconds (gaps > 250 ms) a viewer saw over `ms` from now. */
async function watchFor(peer: NetPeer, ms: number): Promise<{ fps: number; frozenS: number }> {
  const a = await peer.fresh();
  const b = await peer.until(`${ms} ms of reports`, (r) => r.at >= a.at + ms, ms + 20_000);
  return {
    fps: ((b.frames - a.frames) * 1000) / (b.at - a.at),
    frozenS: frozenBetween(b, a.at, b.at),
  };
}

function frozenBetween(r: NetPeerReport, from: number, to: number): number {
  let ms = 0;
  for (const f of r.freezes)
    if (f.endAt > from && f.endAt <= to) ms += f.endAt - Math.max(from, f.endAt - f.ms);
  // A freeze still going on at the end.
  if (r.lastFrameAt && to - r.lastFrameAt > 250) ms += to - Math.max(from, r.lastFrameAt);
  return ms / 1000;
}

const fixed = (n: number): string => n.toFixed(1);

describe('network faults between camera, SFU and viewer', () => {
  let camNs: NetNamespace;
  let viewNs: NetNamespace;
  let jitterNs: NetNamespace;
  let ts: TestServer;
  let url: string;
  let camera: NetPeer;
  let viewer: NetPeer;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    camNs = new NetNamespace(0);
    viewNs = new NetNamespace(1);
    jitterNs = new NetNamespace(2);
    // Bound to the camera link's host address; the other namespaces reach it through their own
    // links (the host answers for all its addresses on every interface).
    ts = await startTestServer({
      host: camNs.hostIp,
      publicHost: camNs.hostIp,
      media: { listenIp: camNs.hostIp, announcedAddress: camNs.hostIp },
    });
    url = `https://${camNs.hostIp}:${ts.server.port}`;
    camera = new NetPeer(camNs, {
      role: 'camera',
      url,
      token: await ts.mint('camera', { label: 'Porch' }),
      width: 640,
      height: 480,
      simulcast: true,
    });
    closers.push(() => camera.close());
    await camera.until('the camera to send', (r) => r.transports.includes('connected'), 45_000);
    viewer = new NetPeer(viewNs, { role: 'viewer', url, token: await ts.mint('viewer') });
    closers.push(() => viewer.close());
    await viewer.until('60 decoded frames', (r) => r.frames >= 60, 45_000);
  });

  afterAll(async () => {
    for (const close of closers.reverse()) close();
    await ts?.close();
    for (const ns of [camNs, viewNs, jitterNs]) ns?.close();
  });

  it('keeps playing under 5 % and 15 % random loss on both links (NACK/PLI recovery)', async () => {
    const clean = await watchFor(viewer, 3000);
    const figures = [`clean ${fixed(clean.fps)} fps`];
    for (const percent of [5, 15]) {
      camNs.loss(percent);
      viewNs.loss(percent);
      const lossy = await watchFor(viewer, 8000);
      camNs.loss(0);
      viewNs.loss(0);
      figures.push(
        `${percent} % loss: ${fixed(lossy.fps)} fps, ${fixed(lossy.frozenS)} s frozen of 8`,
      );
      // What a person calls "still video": frames keep coming, mostly unfrozen.
      expect(lossy.fps).toBeGreaterThan(percent === 5 ? 10 : 5);
      expect(lossy.frozenS).toBeLessThan(percent === 5 ? 3 : 5);
    }
    console.log(`[network faults] ${figures.join('; ')}`);
  });
});
