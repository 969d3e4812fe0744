import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../store/createStore.ts';
import { DataKeys } from '../crypto/DataKeys.ts';
import { MasterKeyRing } from '../crypto/MasterKeyRing.ts';
import { SqlRecordingIndex } from '../index/SqlRecordingIndex.ts';
import { Fmp4Segmenter, type InitSegment, type MediaSegment } from '../media/Segmenter.ts';
import { decodeAll, ffprobe, recordFmp4 } from '../media/testSupport.ts';
import { SegmentVault } from '../SegmentVault.ts';
import { FileStorage } from '../storage/FileStorage.ts';
import type { RecordingIndex } from '../index/RecordingIndex.ts';
import { ClipTranscodeError, transcodeToAac } from './aacClip.ts';
import { ClipExporter, type ClipPlan } from './ClipExporter.ts';
import { deviceRecord, streamRecord } from '../../../../tests/support/records.ts';

const SITE = 'site-clip';
const T0 = 1_700_000_000_000;

/** The recorder's view of an ffmpeg fMP4: its init segment and ~2 s segments. */
function segment(bytes: Buffer): { init: InitSegment; segments: MediaSegment[] } {
  const s = new Fmp4Segmenter();
  let init: InitSegment | undefined;
  const segments: MediaSegment[] = [];
  s.on('init', (i) => (init ??= i));
  s.on('segment', (m) => segments.push(m));
  s.push(bytes);
  s.end();
  if (!init) throw new Error('no init segment');
  return { init, segments };
}

/** Stores one run of segments the way the recorder does (object, then row). */
async function record(
  index: RecordingIndex,
  vault: SegmentVault,
  store: Store,
  deviceId: string,
  media: Buffer,
): Promise<{ from: number; to: number }> {
  await store.devices.create(deviceRecord(SITE, { id: deviceId }));
  await index.saveStream(streamRecord(deviceId, SITE, 1), null);
  const { init, segments } = segment(media);
  const runId = `run_${deviceId}`;
  const initKey = SegmentVault.initKey(SITE, deviceId, runId);
  const w = await vault.put(deviceId, initKey, init.bytes);
  await index.insertRun({
    id: runId,
    deviceId,
    siteId: SITE,
    startedAt: T0,
    codecs: init.info.codecs,
    width: 320,
    height: 240,
    keyId: w.keyId,
    storageKey: initKey,
    bytes: init.bytes.length,
    storedBytes: w.storedBytes,
  });
  for (const [seq, m] of segments.entries()) {
    const storageKey = SegmentVault.segmentKey(SITE, deviceId, runId, seq);
    const put = await vault.put(deviceId, storageKey, m.bytes);
    await index.insertSegment({
      deviceId,
      seq,
      runId,
      producerTime: T0 + m.startMs,
      ingestTime: T0 + m.startMs + 100,
      durationMs: m.durationMs,
      bytes: m.bytes.length,
      storedBytes: put.storedBytes,
      keyframe: m.keyframe,
      tags: [],
      keyId: put.keyId,
      storageKey,
    });
  }
  const last = segments[segments.length - 1]!;
  return { from: T0, to: T0 + last.startMs + last.durationMs };
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('ClipExporter audio', () => {
  let store: Store;
  let index: RecordingIndex;
  let vault: SegmentVault;
  let tmp: string;
  let clips: ClipExporter;
  let av: { from: number; to: number };
  let videoOnly: { from: number; to: number };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'porchlight-clip-'));
    store = await createStore({ url: 'sqlite::memory:' });
    index = new SqlRecordingIndex(store.executor);
    vault = new SegmentVault(
      new FileStorage({ dir: path.join(tmp, 'store') }),
      new DataKeys({
        repo: index,
        masterKeys: new MasterKeyRing([{ id: 'mk-test', key: randomBytes(32) }]),
      }),
    );
    await store.sites.create({ id: SITE, name: 'Home', createdAt: 1 });
    const [avMedia, videoMedia] = await Promise.all([
      recordFmp4('av', { seconds: 6 }),
      recordFmp4('video', { seconds: 6 }),
    ]);
    av = await record(index, vault, store, 'cam-av', avMedia);
    videoOnly = await record(index, vault, store, 'cam-video', videoMedia);
    clips = new ClipExporter(index, vault);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const exportClip = async (
    deviceId: string,
    range: { from: number; to: number },
    audio?: 'aac' | 'opus',
  ): Promise<{ file: string; plan: ClipPlan }> => {
    const plan = await clips.plan(deviceId, range.from, range.to);
    const bytes = await collect(audio ? clips.bytes(plan, audio) : clips.bytes(plan));
    const file = path.join(tmp, `${deviceId}-${audio ?? 'default'}.mp4`);
    await writeFile(file, bytes);
    return { file, plan };
  };

  it('exports H264 + AAC by default: ffprobe reads both and a full decode reports no error', async () => {
    const { file } = await exportClip('cam-av', av);
    const probe = await ffprobe(file);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
      'audio:aac',
      'video:h264',
    ]);
    const audio = probe.streams.find((s) => s.codec_type === 'audio');
    expect(audio?.profile).toBe('LC');
    expect(Math.abs(Number(probe.format.duration) - (av.to - av.from) / 1000)).toBeLessThan(0.5);
    const decoded = await decodeAll(file);
    expect(decoded).toEqual({ code: 0, stderr: '' });
  }, 60_000);

  it('keeps Opus when asked (audio=opus), decodable end to end', async () => {
    const { file } = await exportClip('cam-av', av, 'opus');
    const probe = await ffprobe(file);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
      'audio:opus',
      'video:h264',
    ]);
    expect(await decodeAll(file)).toEqual({ code: 0, stderr: '' });
  }, 60_000);

  it('a recording without audio gives a clip without audio, whichever codec is asked', async () => {
    for (const audio of ['aac', 'opus'] as const) {
      const { file } = await exportClip('cam-video', videoOnly, audio);
      const probe = await ffprobe(file);
      expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:h264']);
      expect(await decodeAll(file)).toEqual({ code: 0, stderr: '' });
    }
  }, 60_000);

  it('an ffmpeg failure is an error with its reason, never a clip that ends as if complete', async () => {
    const plan = await clips.plan('cam-av', av.from, av.to);
    const broken = new ClipExporter(index, vault, { ffmpegPath: '/bin/false' });
    await expect(collect(broken.bytes(plan))).rejects.toThrow(ClipTranscodeError);
    // The source fails half way (storage error): ffmpeg is stopped and the error surfaces.
    const failing = async function* (): AsyncGenerator<Buffer> {
      yield* clips.remux({ ...plan, segments: plan.segments.slice(0, 1) });
      throw new Error('segment unreadable');
    };
    await expect(
      collect(transcodeToAac(failing(), { ffmpegPath: 'ffmpeg', channels: 1 })),
    ).rejects.toThrow('segment unreadable');
  }, 60_000);
});
