import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PorchlightClient } from '@porchlight/sdk';
import { syntheticCamera, YUV } from '../../../tests/support/wrtc.ts';
import type { NodeProcess } from '../../../tests/support/cluster.ts';
import { api } from '../../../tests/support/http.ts';
import { frameClock, startClusterWorld, until, type ClusterWorld } from './clusterWorld.ts';

/**
 * The rolling restart: two real node processes behind the test balancer, a recording SDK
 * camera and a viewer. Every node in turn is drained (SIGTERM), exits, starts again and passes
 * the health check before the next. The camera is measured twice: frames the viewer decodes, and
 * the recording's own timeline read back through the REST API as the apps read it. Then kill -9
 * of the camera's node: it records again on the survivor.
 */

/** The goal: no camera dropped for longer than this during a rolling restart. */
const MAX_OUTAGE_MS = 2_000;
/**
 * Media a drained node may lose at the end of the camera's run there (issue 10's target for a
 * disconnect): more means its last, partial segment was not stored before it exited.
 */
const MAX_LOST_AT_DRAIN_MS = 500;
/** config recording.segmentSeconds (the default). */
const SEGMENT_MS = 2_000;

interface Fragment {
  seq: number;
  runId: string;
  producerTime: number;
  durationMs: number;
}

const run = promisify(execFile);

describe('cluster: rolling restart keeps the camera and every recorded segment', () => {
  let w: ClusterWorld;
  let cam: PorchlightClient;
  let viewer: PorchlightClient;
  let clock: ReturnType<typeof frameClock>;
  let stopSource: () => void;
  let owner: string;
  let deviceId: string;
  let startedAt: number;
  /** Per drained node: its last run, the fragments listed before its drain, when the camera left it. */
  const drained: { node: string; runId: string; before: Fragment[]; leftAt: number }[] = [];
  const outages: number[] = [];

  const backend = (n: NodeProcess) => ({ host: n.host, port: n.port });
  const recordingPath = () => `/api/v1/sites/${w.siteId}/devices/${deviceId}/recording`;
  const fragments = async (): Promise<Fragment[]> => {
    const q = `from=${startedAt - 60_000}&to=${Date.now() + 60_000}&limit=10000`;
    const res = await api<{ fragments: Fragment[] }>(
      w.balancer.url,
      'GET',
      `${recordingPath()}/fragments?${q}`,
      { token: owner },
    );
    expect(res.status).toBe(200);
    return res.body.fragments;
  };
  /** The same, or none while the balancer still sends a request to a node just killed. */
  const fragmentsIfAnswered = (): Promise<Fragment[]> => fragments().catch(() => []);
  /** What the nodes logged about segments they could not store or index. */
  const lostSegments = () =>
    w.cluster.nodes.flatMap((n) =>
      n
        .output()
        .split('\n')
        .filter((l) => l.includes('segment lost')),
    );
  const end = (f: Fragment) => f.producerTime + f.durationMs;
  /** Frames ffprobe decodes from the clip the playback API serves for [from, to). */
  const playableFrames = async (from: number, to: number): Promise<number> => {
    const pb = await api<{ clip: string }>(w.balancer.url, 'POST', `${recordingPath()}/playback`, {
      token: owner,
      body: { from, to },
    });
    expect(pb.status).toBe(200);
    const res = await fetch(`${w.balancer.url}${pb.body.clip}`);
    expect(res.status).toBe(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-rolling-'));
    const file = path.join(dir, 'clip.mp4');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    try {
      const { stdout } = await run('ffprobe', [
        '-v',
        'error',
        '-count_frames',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=nb_read_frames',
        '-of',
        'csv=p=0',
        file,
      ]);
      return Number(stdout.trim());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  beforeAll(async () => {
    w = await startClusterWorld(2, { PORCHLIGHT_DRAIN_TIMEOUT_MS: '40000' });
    startedAt = Date.now();
    // The camera and its viewer start on node-1; node-2 joins the rotation after.
    w.balancer.setBackends([backend(w.cluster.nodes[0]!)]);
    owner = await w.mintPerson({});
    const camera = await w.mintCameraDevice('Porch');
    deviceId = camera.deviceId;
    const mode = await api(w.balancer.url, 'PATCH', recordingPath(), {
      token: owner,
      body: { mode: 'continuous' },
    });
    expect(mode.status).toBe(200);
    cam = w.client(camera.token);
    await cam.connect();
    const source = syntheticCamera(320, 240, YUV.red, 30);
    stopSource = source.stop;
    await cam.publish(source.track, { source: 'camera', simulcast: false });
    viewer = w.client(await w.mintPerson({}));
    await viewer.connect();
    await until('the camera announced', () => viewer.producers.some((p) => p.source === 'camera'));
    const sub = await viewer.watch(viewer.producers.find((p) => p.source === 'camera')!.producerId);
    clock = frameClock(sub);
    await until('30 frames', () => clock.state.frames >= 30);
    await until('3 recorded segments', async () => (await fragments()).length >= 3, 60_000);
    w.balancer.setBackends(w.cluster.nodes.map(backend));
  }, 240_000);

  afterAll(async () => {
    clock?.stop();
    stopSource?.();
    await w?.close();
  }, 60_000);

  it(`restarts every node in turn; the viewer never misses the camera for more than ${MAX_OUTAGE_MS} ms`, async () => {
    for (let i = 0; i < w.cluster.nodes.length; i++) {
      await until(
        'every node in the rotation',
        () => w.balancer.healthy().length === w.cluster.nodes.length,
        60_000,
      );
      const from = w.nodesWithClients()[0]!;
      expect(w.nodesWithClients()).toEqual([from]);
      const before = await fragments();
      const runId = before[before.length - 1]!.runId;
      const framesBefore = clock.state.frames;
      clock.mark();
      // When each client dropped its socket to the draining node, and when it had joined again.
      const moves = { cam: [0, 0], viewer: [0, 0] };
      const offs = (['cam', 'viewer'] as const).map((k) =>
        (k === 'cam' ? cam : viewer).on('stateChanged', (state) => {
          if (state === 'reconnecting') moves[k][0] = Date.now();
          if (state === 'connected') moves[k][1] = Date.now();
        }),
      );
      const t0 = Date.now();
      const exit = from.terminate();
      await until(
        `both clients off ${from.id}`,
        () => w.balancer.active(backend(from)) === 0,
        30_000,
      );
      await until(
        'both joined elsewhere',
        () => cam.state === 'connected' && viewer.state === 'connected',
      );
      await until('30 frames after the move', () => clock.framesSince(framesBefore) >= 30, 30_000);
      // A drained node exits 0; otherwise its output says why (a timed-out close names its step).
      expect(await exit, from.output().slice(-4000)).toBe(0);
      for (const off of offs) off();
      outages.push(clock.state.maxGapMs);
      drained.push({ node: from.id, runId, before, leftAt: moves.cam[0]! });
      const rel = ([a, b]: number[]) => `${a! - t0}..${b! - t0} ms`;
      console.log(
        `[rolling] ${from.id} drained: longest gap in decoded frames ${clock.state.maxGapMs} ms; ` +
          `camera away ${rel(moves.cam)}, viewer away ${rel(moves.viewer)} after SIGTERM`,
      );
      await from.start();
    }
    expect(Math.max(...outages)).toBeLessThanOrEqual(MAX_OUTAGE_MS);
  }, 400_000);

  it('loses no recorded segment: every one is listed, each drained node flushed its last one, and the timeline has no hole beyond the outage', async () => {
    expect(drained.length).toBe(w.cluster.nodes.length);
    // Segments of the new runs reach the index a segment after the move.
    const lastLeft = drained[drained.length - 1]!.leftAt;
    await until(
      'a segment recorded after the last move',
      async () => (await fragments()).some((f) => f.producerTime > lastLeft),
      30_000,
    );
    const after = await fragments();
    const key = (f: Fragment) => `${f.runId}/${f.seq}`;
    const listed = new Set(after.map(key));
    const outage = Math.max(...outages);
    for (const d of drained) {
      // (1) Nothing recorded before the drain went missing.
      expect(d.before.map(key).filter((k) => !listed.has(k))).toEqual([]);
      // (2) The drained node's run goes on to the camera's move: its last, partial segment was
      // flushed and uploaded before the node exited (the camera left at `leftAt`).
      const last = after.filter((f) => f.runId === d.runId).pop()!;
      const lostMs = d.leftAt - end(last);
      console.log(
        `[rolling] ${d.node}: last segment of its run ends ${lostMs} ms before the camera left it`,
      );
      expect(lostMs).toBeLessThanOrEqual(MAX_LOST_AT_DRAIN_MS);
      // (3) Playable: the clip of the drained node's last second decodes.
      expect(await playableFrames(end(last) - 1_000, end(last))).toBeGreaterThan(0);
    }
    // (4) The timeline the apps draw: one hole per move at most, none wider than outage + segment.
    const first = after[0]!.producerTime;
    const to = end(after[after.length - 1]!);
    const tl = await api<{ gaps: { from: number; to: number }[] }>(
      w.balancer.url,
      'GET',
      `${recordingPath()}/timeline?from=${first}&to=${to}`,
      { token: owner },
    );
    expect(tl.status).toBe(200);
    const holes = tl.body.gaps.map((g) => g.to - g.from);
    console.log(`[rolling] timeline holes (ms): ${holes.join(', ') || 'none'}`);
    expect(holes.length).toBeLessThanOrEqual(drained.length);
    for (const h of holes) expect(h).toBeLessThanOrEqual(outage + SEGMENT_MS);
    expect(lostSegments()).toEqual([]);
  }, 120_000);

  it('kill -9 of the camera node: the camera reconnects to the survivor and records there', async () => {
    await until(
      'every node in the rotation',
      () => w.balancer.healthy().length === w.cluster.nodes.length,
      60_000,
    );
    const victim = w.nodesWithClients()[0]!;
    const before = await fragments();
    const t0 = Date.now();
    await victim.kill9();
    await until('the camera joined again', () => cam.state === 'connected', 10_000);
    const joinedMs = Date.now() - t0;
    expect(joinedMs).toBeLessThan(5_000);
    const oldRuns = new Set(before.map((f) => f.runId));
    await until(
      'segments of a new run after the kill',
      async () =>
        (await fragmentsIfAnswered()).some((f) => !oldRuns.has(f.runId) && f.producerTime > t0),
      30_000,
    );
    const resumedMs = Date.now() - t0;
    const fresh = (await fragments()).filter((f) => !oldRuns.has(f.runId));
    expect(
      await playableFrames(fresh[0]!.producerTime, end(fresh[fresh.length - 1]!)),
    ).toBeGreaterThan(0);
    console.log(
      `[rolling] kill -9 ${victim.id}: camera joined after ${joinedMs} ms, first new segment listed after ${resumedMs} ms`,
    );
    await victim.start();
  }, 120_000);

  it('a camera that comes back to a node that recorded it before goes on recording there', async () => {
    // Network blips through the balancer: the camera moves to the restarted node, then back to
    // the one it recorded on before, whose recording of it (sequence numbers and all) is older
    // than what the other node wrote meanwhile.
    const [a, b] = w.cluster.nodes as [NodeProcess, NodeProcess];
    const [back, away] = w.nodesWithClients()[0] === a ? [a, b] : [b, a];
    const moveTo = async (to: NodeProcess, from: NodeProcess): Promise<string> => {
      const runs = new Set((await fragmentsIfAnswered()).map((f) => f.runId));
      w.balancer.setBackends([backend(to)]);
      w.balancer.cut(backend(from));
      await until(`the camera on ${to.id}`, () => w.balancer.active(backend(to)) >= 2, 20_000);
      await until('the camera joined', () => cam.state === 'connected', 20_000);
      let runId = '';
      await until(
        `2 segments of a new run on ${to.id}`,
        async () => {
          const fresh = (await fragmentsIfAnswered()).filter((f) => !runs.has(f.runId));
          runId = fresh[0]?.runId ?? '';
          return fresh.length >= 2;
        },
        30_000,
      );
      return runId;
    };
    await until('every node in the rotation', () => w.balancer.healthy().length === 2, 60_000);
    await moveTo(away, back);
    const cutAt = Date.now();
    const runId = await moveTo(back, away);
    w.balancer.setBackends(w.cluster.nodes.map(backend));
    // Recording again within the outage goal and a segment of the move, nothing dropped on the way.
    const all = await fragments();
    const before = all.filter((f) => f.producerTime < cutAt && f.runId !== runId).pop()!;
    const first = all.find((f) => f.runId === runId)!;
    const holeMs = first.producerTime - end(before);
    console.log(`[rolling] back on ${back.id}: recording hole ${holeMs} ms`);
    expect(holeMs).toBeLessThanOrEqual(MAX_OUTAGE_MS + SEGMENT_MS);
    expect(lostSegments()).toEqual([]);
  }, 120_000);
});
