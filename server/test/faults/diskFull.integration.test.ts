/**
 * Disk full: the recordings live on a small tmpfs that something else fills to the last block
 * while a camera records and a viewer watches. Recording degrades cleanly: the disk-free alarm
 * goes off, the segments that cannot be written are counted lost (recording failure 'write', after
 * recording.writeRetrySeconds) and leave no object without an index row, live video goes on, the
 * server stays up. Once space returns, recording resumes by itself and the alarm resolves; the
 * index and the storage agree throughout. Measured: space back -> the first new segment indexed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../recording/support.ts';
import { alarmWorld, FAST, type AlarmWorld } from '../alarms/world.ts';
import {
  expectIndexEqualsStorage,
  grows,
  indexAndStorage,
  watchedCamera,
  type Watched,
} from './world.ts';

const MiB = 1024 * 1024;

function asRoot(command: string, args: string[]): void {
  if (process.getuid?.() === 0) execFileSync(command, args);
  else execFileSync('sudo', ['-n', command, ...args]);
}

/** Writes `file` until the volume has no block left (ENOSPC). */
function fill(file: string): void {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 7);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  // Fill the last partial chunk's room too.
  try {
    fs.appendFileSync(file, Buffer.alloc(4096, 7));
    fill(file);
  } catch {
    // full
  }
}

describe('disk full under the recordings', () => {
  const volume = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-full-'));
  const storageDir = path.join(volume, 'recordings');
  let mounted = false;
  let w: AlarmWorld;
  let cam: Watched;

  beforeAll(async () => {
    asRoot('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=1777', 'tmpfs', volume]);
    mounted = true;
    w = await alarmWorld({
      recording: {
        defaultMode: 'continuous',
        storageDir,
        // The disk guard would delete recordings to make room; here nothing of ours can help.
        minFreeBytes: 0,
        writeRetrySeconds: 2,
      },
    });
    cam = await watchedCamera(w.ts);
    await grows('first segments', cam.segments, 2);
  }, 90_000);
  afterAll(async () => {
    cam?.close();
    await w?.close();
    if (mounted) asRoot('umount', [volume]);
    fs.rmSync(volume, { recursive: true, force: true });
  }, 60_000);

  it('degrades with an alarm and lost segments counted, no orphan objects; recovers when space returns', async () => {
    const rule = await w.tune('disk-free', { ...FAST, threshold: MiB });
    await w.waitFor(rule.id, 'OK');
    const { service } = w.ts.server.recording;
    const failures: string[] = [];
    service.on('failure', (r) => failures.push(r));
    const filler = path.join(volume, 'filler.bin');
    fill(filler);
    await w.message(rule.id, 'ALARM');
    await until('segments lost to the full disk', () => failures.includes('write'), 30_000);
    await grows('frames while the disk is full', cam.frames, 30);
    expect(failures.every((f) => f === 'write')).toBe(true);
    // Nothing half-written is indexed, nothing unindexed is left behind (temp files aside).
    const mid = await indexAndStorage(w.ts, cam.camera.deviceId, storageDir);
    expect(mid.stored).toStrictEqual(mid.indexed);

    fs.rmSync(filler);
    const backMs = await grows('segments after space returned', cam.segments, 2, 60_000);
    await w.message(rule.id, 'OK');
    console.info(
      `[faults] disk full: ${failures.length} segments lost while full; ` +
        `2 segments indexed ${backMs} ms after space returned`,
    );
    const deviceId = cam.camera.deviceId;
    cam.close();
    await expectIndexEqualsStorage(w.ts, deviceId, storageDir);
  });
});
