import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import type { PorchlightClient } from '@porchlight/sdk';
import {
  startTestCluster,
  type TestCluster,
  type TestNode,
} from '../../../tests/support/clusterNodes.ts';
import {
  frameCounter,
  installWrtcGlobals,
  syntheticCamera,
  YUV,
} from '../../../tests/support/wrtc.ts';
import { audioMeter, syntheticMicrophone } from '../../../tests/support/wrtcAudio.ts';

installWrtcGlobals();

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pipe transports in a node's router of the site, and the producers on each (from the worker). */
async function pipesOf(
  node: TestNode,
  siteId: string,
): Promise<{ producers: string[]; consumers: string[] }[]> {
  const room = node.server.rooms.rooms.get(siteId);
  if (!room || room.closed) return [];
  const dump = await room.router.dump();
  const out: { producers: string[]; consumers: string[] }[] = [];
  for (const id of dump.transportIds) {
    const t = [
      ...(node.server.clusterMedia?.receiver.transports ?? []),
      ...(node.server.clusterMedia?.origin.transports ?? []),
    ].find((x) => x.id === id);
    if (!t) continue; // a viewer's or camera's WebRTC transport
    const d = (await t.dump()) as types.PipeTransportDump;
    out.push({ producers: d.producerIds, consumers: d.consumerIds });
  }
  return out;
}

describe('media across nodes through mediasoup pipe transports', () => {
  let cl: TestCluster;
  let a: TestNode, b: TestNode, c: TestNode;
  let siteId: string;
  const cleanup: (() => void)[] = [];

  beforeAll(async () => {
    cl = await startTestCluster(3);
    [a, b, c] = cl.nodes as [TestNode, TestNode, TestNode];
    siteId = a.siteId;
    await until('every node to see the others', () =>
      cl.nodes.every((n) => n.server.cluster.nodes.live().length === 3),
    );
  }, 120_000);
  afterAll(async () => {
    for (const f of cleanup.reverse()) f();
    await cl?.close();
  }, 120_000);

  async function viewerOn(node: TestNode, label: string): Promise<PorchlightClient> {
    const v = cl.client(node, await node.mint('viewer', { siteId, label }), label);
    cleanup.push(() => v.close());
    await v.connect();
    return v;
  }

  it('viewers on B and C decode a camera on A; two viewers on B share one pipe producer; layers switch on B', async () => {
    const cam = cl.client(a, await a.mint('camera', { siteId, label: 'Porch' }));
    cleanup.push(() => cam.close());
    await cam.connect();
    const source = syntheticCamera(640, 360, YUV.red, 20);
    cleanup.push(source.stop);
    const pub = await cam.publish(source.track, { source: 'camera', simulcast: true });
    const producerId = pub.id!;

    // Told through the directory on join (B) and by producerAdded (a room that already existed).
    const b1 = await viewerOn(b, 'b1');
    await until('B to list the camera', () =>
      b1.producers.some((p) => p.producerId === producerId),
    );
    const info = b1.producers.find((p) => p.producerId === producerId)!;
    expect(info).toMatchObject({ label: 'Porch', kind: 'video', source: 'camera', paused: false });
    expect(info.layers).toBe(2);
    expect(info.allowed.length).toBeGreaterThan(0);

    // Keyframe requests of a viewer on B cross the pipe to the camera on A (a VP8 encoder sends
    // keyframes only when asked, so B's first frame needs one too).
    const original = a.server.rooms.rooms.get(siteId)!.findProducer(producerId);
    const keyframeRequests = async () =>
      (await original.getStats()).reduce((n, s) => n + s.pliCount + s.firCount, 0);
    const requestsBefore = await keyframeRequests();
    const t0 = Date.now();
    const s1 = await b1.watch(producerId);
    const f1 = frameCounter(s1.track!);
    cleanup.push(f1.stop);
    await until('frames on B', () => f1.state.frames >= 1);
    const firstFrameB = Date.now() - t0;
    await until(
      'a keyframe request from B at the camera',
      async () => (await keyframeRequests()) > requestsBefore,
    );
    await until('30 frames on B', () => f1.state.frames >= 30);
    expect(f1.state.meanY).toBeGreaterThan(65);
    expect(f1.state.meanY).toBeLessThan(100);

    const b2 = await viewerOn(b, 'b2');
    const s2 = await b2.watch(producerId);
    const f2 = frameCounter(s2.track!);
    cleanup.push(f2.stop);
    const c1 = await viewerOn(c, 'c1');
    await until('C to list the camera', () =>
      c1.producers.some((p) => p.producerId === producerId),
    );
    const s3 = await c1.watch(producerId);
    const f3 = frameCounter(s3.track!);
    cleanup.push(f3.stop);
    const a1 = await viewerOn(a, 'a1');
    const tA = Date.now();
    const s4 = await a1.watch(producerId);
    const f4 = frameCounter(s4.track!);
    cleanup.push(f4.stop);
    await until('frames on A', () => f4.state.frames >= 1);
    const firstFrameA = Date.now() - tA;
    await until(
      'frames on the second B viewer and on C',
      () => f2.state.frames >= 30 && f3.state.frames >= 30,
    );
    console.log(
      `time to first frame: viewer on A ${firstFrameA} ms, on B (first, pipe opened) ${firstFrameB} ms`,
    );

    // One pipe transport B→A holding one producer (the camera's id), for two viewers.
    const atB = await pipesOf(b, siteId);
    expect(atB).toEqual([{ producers: [producerId], consumers: [] }]);
    const atC = await pipesOf(c, siteId);
    expect(atC).toEqual([{ producers: [producerId], consumers: [] }]);
    // A serves one pipe per receiving node, one pipe consumer each.
    const atA = await pipesOf(a, siteId);
    expect(atA).toHaveLength(2);
    for (const p of atA) expect(p.consumers).toHaveLength(1);
    // Pipe producers are not room producers: nothing on B records or re-announces them.
    expect(b.server.rooms.rooms.get(siteId)!.producersOfDevice(info.deviceId!)).toEqual([]);

    // Simulcast layers are chosen per viewer on B (mediasoup switches at a keyframe from A).
    const consumerOnB = () =>
      b.server.rooms.rooms
        .get(siteId)!
        .consumersOf(producerId)
        .find((x) => x.id === s1.consumerId)!;
    expect(consumerOnB().type).toBe('simulcast');
    await s1.setPreferredLayer(0);
    await until('B viewer on layer 0', () => consumerOnB().currentLayers?.spatialLayer === 0);
    await until('smaller frames on B', () => f1.state.width === 320);
    await s1.setPreferredLayer(1);
    await until('B viewer on layer 1', () => consumerOnB().currentLayers?.spatialLayer === 1);
    await until('full frames on B', () => f1.state.width === 640);

    // Pause and resume on A reach B's viewers.
    await pub.pause();
    await until(
      'paused on B',
      () => b1.producers.find((p) => p.producerId === producerId)?.paused === true,
    );
    await pub.resume();
    await until(
      'resumed on B',
      () => b1.producers.find((p) => p.producerId === producerId)?.paused === false,
    );
    const before = f1.state.frames;
    await until('frames again on B', () => f1.state.frames > before + 10);

    // The last viewer on C leaves: C's pipe producer and A's pipe consumer and both transports go.
    s3.close();
    await until('C pipe released', async () => (await pipesOf(c, siteId)).length === 0);
    await until('A side of C pipe released', async () => (await pipesOf(a, siteId)).length === 1);
    // One of two viewers on B leaves: the pipe stays for the other.
    s2.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(await pipesOf(b, siteId)).toEqual([{ producers: [producerId], consumers: [] }]);
    const more = f1.state.frames;
    await until('B viewer still decoding', () => f1.state.frames > more + 10);

    // The camera leaves A: B's viewer is told, and every pipe is released on both sides.
    cam.close();
    await until(
      'B told the camera left',
      () => !b1.producers.some((p) => p.producerId === producerId),
    );
    await until(
      'C told the camera left',
      () => !c1.producers.some((p) => p.producerId === producerId),
    );
    await until('B pipes released', async () => (await pipesOf(b, siteId)).length === 0);
    await until('A pipes released', async () => (await pipesOf(a, siteId)).length === 0);
  }, 180_000);

  it('remote producers follow the per-peer policy, and a missed bus message heals from Redis', async () => {
    const cam = cl.client(a, await a.mint('camera', { siteId, label: 'Gate' }));
    cleanup.push(() => cam.close());
    await cam.connect();
    const source = syntheticCamera(320, 240, YUV.red, 10);
    cleanup.push(source.stop);
    const pub = await cam.publish(source.track, { source: 'camera', simulcast: false });
    const producerId = pub.id!;
    const owner = await viewerOn(b, 'owner-b');
    await until('owner on B told', () => owner.producers.some((p) => p.producerId === producerId));
    // A guest on B scoped to another device is never told about the camera on A, nor may consume it.
    const { id: otherDevice } = await b.mintWithId('camera', { siteId, label: 'Other' });
    const guest = cl.client(
      b,
      await b.mint('viewer', { siteId, siteRole: 'guest', deviceIds: [otherDevice] }),
    );
    cleanup.push(() => guest.close());
    await guest.connect();
    expect(guest.producers.some((p) => p.producerId === producerId)).toBe(false);
    const refused = await guest.watch(producerId).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeTruthy();
    expect(await pipesOf(b, siteId)).toEqual([]);

    // B "missed" the producer (as if a pub/sub message was lost): the periodic re-read of the
    // site's directory in Redis brings it back, and the owner is told again.
    const room = b.server.rooms.rooms.get(siteId)!;
    room.removeRemote(producerId);
    await until(
      'owner told it closed',
      () => !owner.producers.some((p) => p.producerId === producerId),
    );
    await until(
      'healed from Redis',
      () => owner.producers.some((p) => p.producerId === producerId),
      20_000,
    );
    cam.close();
    await until('gone again', () => !owner.producers.some((p) => p.producerId === producerId));
  }, 120_000);

  it('a node that dies takes its pipe producers with it; talk-back from B reaches a camera on C', async () => {
    const cam = cl.client(c, await c.mint('camera', { siteId, label: 'Shed' }));
    cleanup.push(() => cam.close());
    await cam.connect();
    const source = syntheticCamera(320, 240, YUV.blue, 20);
    cleanup.push(source.stop);
    const pub = await cam.publish(source.track, { source: 'camera', simulcast: false });
    const producerId = pub.id!;
    const v = await viewerOn(b, 'b-shed');
    await until('B to list the C camera', () =>
      v.producers.some((p) => p.producerId === producerId),
    );
    const sub = await v.watch(producerId);
    const f = frameCounter(sub.track!);
    cleanup.push(f.stop);
    await until('frames from C on B', () => f.state.frames >= 10);
    expect(await pipesOf(b, siteId)).toHaveLength(1);

    // Talk-back from a viewer on B to the camera on C: produced on B, piped to C, heard there.
    const mic = syntheticMicrophone();
    cleanup.push(mic.stop);
    const target = v.producers.find((p) => p.producerId === producerId)!.peerId;
    const talk = await v.publish(mic.track, { source: 'talkback', targetPeerId: target });
    await until('the camera on C told of the talk-back', () =>
      cam.producers.some((p) => p.producerId === talk.id),
    );
    // Only the addressed camera: another viewer on C is not told about it.
    const other = await viewerOn(c, 'c-other');
    expect(other.producers.some((p) => p.producerId === talk.id)).toBe(false);
    const heard = await cam.watch(talk.id!);
    const meter = audioMeter(heard.track!);
    cleanup.push(meter.stop);
    await until('talk-back heard on C', () => meter.state.rms > 300);
    // C now has two pipes with B: one feeding B the camera, one bringing the talk-back in.
    const atC = await pipesOf(c, siteId);
    expect(atC).toHaveLength(2);
    expect(atC).toContainEqual({ producers: [talk.id], consumers: [] });
    expect(atC).toContainEqual({ producers: [], consumers: [expect.any(String)] });

    // C stops beating (its Redis connection cut, as if the host died): B drops what came from it.
    c.server.cluster.redis!.disconnect(false);
    await until(
      'B told the camera is gone',
      () => !v.producers.some((p) => p.producerId === producerId),
      30_000,
    );
    await until('B pipes from C closed', async () => (await pipesOf(b, siteId)).length === 0);
  }, 120_000);
});
