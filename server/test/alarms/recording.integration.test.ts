/**
 * Recording alarms from real recording: a camera whose frames stop (its producer stays open, the
 * recorder's input dries up) trips recording-stalled until frames flow again; continuous recording
 * of a noisy camera fills a small recording quota (recording.maxTotalBytes) past the threshold
 * until the disk guard deletes the oldest segments.
 */
import { PorchlightClient } from '@porchlight/sdk';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installWrtcGlobals } from '../../../tests/support/wrtc.ts';
import type { TestServer } from '../../../tests/support/testServer.ts';
import { alarmWorld, FAST, transitions, type AlarmWorld } from './world.ts';

const W = 320;
const H = 240;
const QUOTA = 100_000;

/** A wrtc camera of random noise (incompressible: it fills storage) whose frames can stop. */
async function noisyCamera(ts: TestServer) {
  const wrtc = installWrtcGlobals();
  const { token, id } = await ts.mintWithId('camera', { label: 'Yard' });
  const client = new PorchlightClient({
    url: ts.url,
    token,
    device: { handlerName: 'Chrome111' },
    socketOptions: { rejectUnauthorized: false },
  });
  await client.connect();
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const noise = randomBytes(W * H * 3);
  let frame = 0;
  let flowing = true;
  const timer = setInterval(() => {
    if (!flowing) return;
    const offset = (frame++ * 7919) % (W * H * 1.5);
    source.onFrame({
      width: W,
      height: H,
      data: new Uint8Array(noise.subarray(offset, offset + W * H * 1.5)),
    });
  }, 1000 / 15);
  await client.publish(track as unknown as MediaStreamTrack, {
    source: 'camera',
    simulcast: false,
  });
  return {
    deviceId: id,
    pause: () => void (flowing = false),
    resume: () => void (flowing = true),
    stop: () => {
      clearInterval(timer);
      track.stop();
      client.close();
    },
  };
}

describe('recording alarms from real recording', () => {
  let w: AlarmWorld;
  let cam: Awaited<ReturnType<typeof noisyCamera>> | undefined;

  beforeAll(async () => {
    w = await alarmWorld({
      recording: {
        defaultMode: 'continuous',
        maxTotalBytes: QUOTA,
        retentionIntervalSeconds: 1,
        minFreeBytes: 0,
      },
    });
  });
  afterAll(async () => {
    cam?.stop();
    await w?.close();
  });

  it('storage-quota: recording fills the quota past the threshold; the disk guard frees it', async () => {
    const rule = await w.tune('storage-quota', { ...FAST, threshold: 50 });
    await w.waitFor(rule.id, 'OK');
    cam = await noisyCamera(w.ts);
    const alarmed = await w.message(rule.id, 'ALARM', 60_000);
    expect(alarmed.alarm.value).toBeGreaterThan(50);
    // Over the quota, the disk guard deletes the oldest segments: the usage falls back under 50 %.
    const ok = await w.message(rule.id, 'OK', 60_000);
    expect(ok.alarm.value).toBeLessThanOrEqual(50);
    expect(await w.ts.server.recording.service.index.totalStoredBytes()).toBeLessThanOrEqual(QUOTA);
    expect(transitions(await w.history(rule.id)).slice(0, 3)).toStrictEqual([
      'INSUFFICIENT_DATA->OK',
      'OK->ALARM',
      'ALARM->OK',
    ]);
  }, 120_000);

  it('recording-stalled: frames stop -> ALARM, frames flow again -> OK', async () => {
    if (!cam) throw new Error('the camera of the first test is needed');
    const rule = await w.tune('recording-stalled', { ...FAST, threshold: 5 });
    await w.waitFor(rule.id, 'OK', 30_000);
    cam.pause();
    const alarmed = await w.message(rule.id, 'ALARM', 30_000);
    expect(alarmed.alarm.value).toBeGreaterThan(5);
    cam.resume();
    const ok = await w.message(rule.id, 'OK', 30_000);
    expect(ok.alarm.value).toBeLessThanOrEqual(5);
    expect(transitions(await w.history(rule.id))).toStrictEqual([
      'INSUFFICIENT_DATA->OK',
      'OK->ALARM',
      'ALARM->OK',
    ]);
  });
});
