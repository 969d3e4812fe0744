/**
 * kill -9 of the processes the server runs beside itself, with a camera recording (VP8: an ffmpeg
 * recorder) and a viewer watching it:
 * - the mediasoup worker: the pool respawns it, the room moves to the new worker and tells every
 *   peer (mediaReset); the SDK re-publishes and re-subscribes without a reload, and recording
 *   resumes. Measured: kill -> respawn, kill -> frames at the viewer again, kill -> a new segment.
 * - the recorder (ffmpeg): a new run starts, only the segment in progress is lost; live video is
 *   untouched.
 * Afterwards the index and the storage describe the same objects.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { until } from '../recording/support.ts';
import { alive, expectIndexEqualsStorage, grows, watchedCamera, type Watched } from './world.ts';

/** Child processes of this process named `name` (/proc: the test's own ffmpeg recorders). */
function children(name: string): number[] {
  const pids = fs
    .readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  return pids.filter((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === name;
    } catch {
      return false;
    }
  });
}

describe('kill -9 of the mediasoup worker and of the recorder', () => {
  let ts: TestServer;
  let w: Watched;

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    w = await watchedCamera(ts);
    await grows('first frames', w.frames, 10);
    await grows('first segments', w.segments, 2);
  }, 90_000);
  afterAll(async () => {
    w?.close();
    await ts?.close();
  }, 60_000);

  it('worker: respawned, the viewer sees video again and recording resumes, without a reload', async () => {
    const { pool } = ts.server;
    const pid = pool.slots[0]!.worker.pid;
    const t0 = Date.now();
    const respawned = new Promise<number>((resolve) =>
      pool.once('workerRespawned', () => resolve(Date.now() - t0)),
    );
    const resets = new Promise<void>((resolve) => w.viewer.once('mediaReset', () => resolve()));
    process.kill(pid, 'SIGKILL');
    const respawnMs = await respawned;
    await resets;
    expect(pool.slots[0]!.worker.pid).not.toBe(pid);
    // Frames counted after the reset are decoded from the new worker's consumer.
    await grows('frames after the worker death', w.frames, 30);
    const videoMs = Date.now() - t0;
    await grows('segments after the worker death', w.segments, 2);
    expect(w.viewer.state).toBe('connected');
    console.info(
      `[faults] worker kill -9: respawn ${respawnMs} ms, 30 frames at the viewer ${videoMs} ms, ` +
        `2 new segments ${Date.now() - t0} ms after the kill`,
    );
  });

  it('recorder: a new run starts, live video goes on, one segment at most is lost', async () => {
    const { service } = ts.server.recording;
    const stream = (await service.streamOf(w.camera.deviceId))!;
    const [pid] = await until('the recorder', () => {
      const p = children('ffmpeg');
      return p.length === 1 && p;
    });
    const failures: string[] = [];
    service.on('failure', (r) => failures.push(r));
    const framesBefore = w.frames();
    const t0 = Date.now();
    const newRun = new Promise<number | undefined>((resolve) =>
      stream.once('run', ({ pid: p }) => resolve(p)),
    );
    process.kill(pid!, 'SIGKILL');
    const newPid = await newRun;
    const runMs = Date.now() - t0;
    expect(newPid).not.toBe(pid);
    await until('the old recorder gone', () => !alive(pid!));
    const segmentMs = await grows('segments of the new run', w.segments, 2);
    expect(failures).toStrictEqual(['recorder_exit']);
    // Live video did not depend on the recorder.
    expect(w.frames()).toBeGreaterThan(framesBefore + 30);
    console.info(
      `[faults] recorder kill -9: new run ${runMs} ms, segments again ${runMs + segmentMs} ms after the kill`,
    );
  });

  it('afterwards the index and the storage agree', async () => {
    const deviceId = w.camera.deviceId;
    w.close();
    const n = await expectIndexEqualsStorage(ts, deviceId);
    expect(n).toBeGreaterThan(4);
  });
});
