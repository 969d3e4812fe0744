/**
 * Clip export throughput on segments the bench recorded: ClipExporter with the recording's Opus
 * (`audio=opus`: plan → decrypt every segment → split into fragments → rewrite decode times) and
 * with AAC (`audio=aac`, the default: the same remux piped through ffmpeg `-c:v copy -c:a aac`,
 * timed until the last byte) vs, on the same segments in the same run, (a) reading + decrypting them and concatenating without any fMP4 rewriting and (b) ffmpeg
 * `-c copy` remuxing the exported clip file into a regular MP4 (process start included, as an
 * ffmpeg-based exporter would pay it per clip). Objects are fresh, so reads come from the page
 * cache in all variants.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RecordingIndex } from '../../server/src/recording/index/RecordingIndex.ts';
import { ClipExporter } from '../../server/src/recording/playback/ClipExporter.ts';
import type { SegmentVault } from '../../server/src/recording/SegmentVault.ts';

const run = promisify(execFile);

export interface ClipRange {
  deviceId: string;
  from: number;
  to: number;
}

export interface ClipVariant {
  bytes: number;
  ms: number;
  /** CPU of this process (all threads) while it ran, ms; ffmpeg: NaN (another process). */
  cpuMs: number;
  mbPerS: number;
}

export interface ClipResult {
  clips: number;
  rounds: number;
  segments: number;
  clipSeconds: number;
  /** `audio=opus`: the in-process remux. */
  exporter: ClipVariant;
  /** `audio=aac` (the default clip): cpuMs is this process only (ffmpeg is another). */
  aacExporter: ClipVariant;
  /** Export time AAC ÷ Opus (same clips, same rounds). */
  aacOverOpusTime: number;
  /** Streams ffprobe reads in the AAC clips (first round), e.g. `audio:aac,video:h264`. */
  aacStreams: string[];
  decryptConcat: ClipVariant;
  ffmpegRemux: ClipVariant;
  /** exporter MB/s ÷ baseline MB/s. */
  ratioVsDecrypt: number;
  ratioVsFfmpeg: number;
  /** ffprobe of each exported clip (first round): duration vs the requested range. */
  probe: { deviceId: string; clipSeconds: number; probedSeconds: number }[];
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function variant(bytes: number, ms: number, cpuMs: number): ClipVariant {
  return { bytes, ms, cpuMs, mbPerS: bytes / 1e6 / (ms / 1000) };
}

export async function clipBench(o: {
  index: RecordingIndex;
  vault: SegmentVault;
  ranges: ClipRange[];
  tmp: string;
  rounds?: number;
  /** Keep clips whose probed duration is more than 1 s off the range here. */
  keepDir?: string;
}): Promise<ClipResult> {
  const exporter = new ClipExporter(o.index, o.vault);
  const rounds = o.rounds ?? 2;
  const acc = {
    exporter: { bytes: 0, ms: 0, cpu: 0 },
    aac: { bytes: 0, ms: 0, cpu: 0 },
    decrypt: { bytes: 0, ms: 0, cpu: 0 },
    ffmpeg: { bytes: 0, ms: 0, cpu: Number.NaN },
  };
  let segments = 0;
  let clipSeconds = 0;
  const probe: ClipResult['probe'] = [];
  const aacStreams = new Set<string>();
  const aacFile = path.join(o.tmp, 'clip-aac.mp4');
  const clipFile = path.join(o.tmp, 'clip.mp4');
  const remuxFile = path.join(o.tmp, 'remux.mp4');
  for (let r = 0; r < rounds; r++) {
    for (const [i, range] of o.ranges.entries()) {
      // Alternate the order of the two in-process variants between rounds.
      const doExport = async (): Promise<Buffer[]> => {
        const chunks: Buffer[] = [];
        const c0 = cpuNow();
        const t0 = performance.now();
        const plan = await exporter.plan(range.deviceId, range.from, range.to);
        for await (const chunk of exporter.bytes(plan, 'opus')) chunks.push(chunk);
        acc.exporter.ms += performance.now() - t0;
        acc.exporter.cpu += cpuNow() - c0;
        acc.exporter.bytes += chunks.reduce((n, c) => n + c.length, 0);
        if (r === 0) {
          segments += plan.segments.length;
          clipSeconds += plan.segments.reduce((n, s) => n + s.durationMs, 0) / 1000;
        }
        return chunks;
      };
      const doAac = async (): Promise<void> => {
        const chunks: Buffer[] = [];
        const c0 = cpuNow();
        const t0 = performance.now();
        const plan = await exporter.plan(range.deviceId, range.from, range.to);
        for await (const chunk of exporter.bytes(plan, 'aac')) chunks.push(chunk);
        acc.aac.ms += performance.now() - t0;
        acc.aac.cpu += cpuNow() - c0;
        const bytes = Buffer.concat(chunks);
        acc.aac.bytes += bytes.length;
        if (r === 0) {
          fs.writeFileSync(aacFile, bytes);
          const probed = await run(
            'ffprobe',
            [
              ...['-v', 'error', '-show_entries', 'stream=codec_type,codec_name'],
              ...['-of', 'csv=p=0', aacFile],
            ],
            { timeout: 30_000 },
          );
          const streams = probed.stdout
            .trim()
            .split('\n')
            .map((l) => l.split(',').reverse().join(':'))
            .sort();
          aacStreams.add(streams.join(','));
        }
      };
      const doDecrypt = async (): Promise<void> => {
        const c0 = cpuNow();
        const t0 = performance.now();
        const list = await o.index.querySegments({ ...range, limit: 10_000 });
        const first = list[0];
        if (!first) throw new Error('no segments in clip range');
        const runRow = await o.index.getRun(first.runId);
        if (!runRow) throw new Error('run not found');
        const parts: Buffer[] = [await o.vault.get(runRow.storageKey)];
        for (const s of list) parts.push(await o.vault.get(s.storageKey));
        const joined = Buffer.concat(parts);
        acc.decrypt.ms += performance.now() - t0;
        acc.decrypt.cpu += cpuNow() - c0;
        acc.decrypt.bytes += joined.length;
      };
      let chunks: Buffer[];
      if ((r + i) % 2 === 0) {
        chunks = await doExport();
        await doAac();
        await doDecrypt();
      } else {
        await doDecrypt();
        await doAac();
        chunks = await doExport();
      }
      fs.writeFileSync(clipFile, Buffer.concat(chunks));
      const f0 = performance.now();
      await run(
        'ffmpeg',
        [
          ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', clipFile],
          ...['-map', '0', '-c', 'copy', '-f', 'mp4', remuxFile],
        ],
        { timeout: 60_000 },
      );
      acc.ffmpeg.ms += performance.now() - f0;
      acc.ffmpeg.bytes += fs.statSync(clipFile).size;
      if (r === 0) {
        const { stdout } = await run(
          'ffprobe',
          ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', clipFile],
          { timeout: 30_000 },
        );
        const p = {
          deviceId: range.deviceId,
          clipSeconds: (range.to - range.from) / 1000,
          probedSeconds: Number(stdout.trim()),
        };
        probe.push(p);
        if (o.keepDir && !(Math.abs(p.probedSeconds - p.clipSeconds) <= 1)) {
          fs.mkdirSync(o.keepDir, { recursive: true });
          fs.copyFileSync(
            clipFile,
            path.join(o.keepDir, `clip-${range.deviceId}-${range.from}-${range.to}.mp4`),
          );
        }
      }
    }
  }
  fs.rmSync(clipFile, { force: true });
  fs.rmSync(remuxFile, { force: true });
  fs.rmSync(aacFile, { force: true });
  const ex = variant(acc.exporter.bytes, acc.exporter.ms, acc.exporter.cpu);
  const dc = variant(acc.decrypt.bytes, acc.decrypt.ms, acc.decrypt.cpu);
  const ff = variant(acc.ffmpeg.bytes, acc.ffmpeg.ms, Number.NaN);
  return {
    clips: o.ranges.length,
    rounds,
    segments,
    clipSeconds,
    exporter: ex,
    aacExporter: variant(acc.aac.bytes, acc.aac.ms, acc.aac.cpu),
    aacOverOpusTime: acc.aac.ms / acc.exporter.ms,
    aacStreams: [...aacStreams],
    decryptConcat: dc,
    ffmpegRemux: ff,
    ratioVsDecrypt: ex.mbPerS / dc.mbPerS,
    ratioVsFfmpeg: ex.mbPerS / ff.mbPerS,
    probe,
  };
}
