/**
 * The recording bench's markdown for the single-camera measures: live HLS latency, storage
 * overhead, clip export and the 24 h playlist.
 */
import { mdTable } from '../lib/results.ts';
import { fmt, ratio } from '../lib/stats.ts';
import type { ClipResult } from './clip.ts';
import type { HttpPlaylistResult } from './httpPlaylist.ts';
import type { LiveResult } from './live.ts';
import { HLS_SETTLE_S, SEGMENT_MS } from './options.ts';
import type { PlaylistResult } from './playlist.ts';
import { ms0, pp } from './summary.ts';

/** Live HLS latency and storage overhead of the dedicated camera. */
export function liveSection(live: LiveResult): string[] {
  const md: string[] = [];
  const h = live.hls;
  const s = live.storage;
  const td = live.targetDurations;
  md.push(
    '',
    "Live HLS (one camera; Chromium + hls.js with the app's live settings `liveSyncDurationCount: 2`, " +
      '`lowLatencyMode`; the page opens as soon as the run has its first segment):',
    '',
  );
  const rows: (string | number)[][] = [];
  if (h) {
    rows.push([
      `glass → playback (${live.glassTrue.n} samples from ${HLS_SETTLE_S} s after the first frame)`,
      `${pp(live.glassTrue)} (min ${ms0(live.glassTrue.min)}, max ${ms0(live.glassTrue.max)})`,
      `as hls.js reports it (Date.now() − playingDate): ${pp(live.glassRaw)} ms; hls.js behind the live edge ` +
        `${pp(live.behindEdgeS, 1)} s; playback rate ${live.playbackRates.join('/')}; first frame ` +
        `${ms0(h.firstFrameMs)} ms after page start; ${h.frames} frames` +
        (h.errors.length ? `; hls.js errors: ${h.errors.join(', ')}` : ''),
    ]);
  } else {
    rows.push(['glass → playback (Chromium + hls.js)', 'n/a', live.hlsError ?? 'skipped']);
  }
  rows.push([
    'segment indexed → listed by a GET live.m3u8 issued right then',
    pp(live.indexedToListedMs),
    `${live.listedOnFirstFetch}/${live.fetches} new segments listed on the first fetch (built from the index)`,
  ]);
  rows.push([
    'reference: segment duration; EXT-X-TARGETDURATION over the run',
    SEGMENT_MS,
    `TARGETDURATION ${td.join(',')} (EXTINF at the end: ${[...new Set(live.extinf.map((x) => x.toFixed(3)))].slice(0, 5).join(', ')})` +
      (h
        ? `; glass → playback = hls.js's distance behind the playlist's live edge (${fmt(live.behindEdgeS.p50, 1)} s; ` +
          `it aims at liveSyncDurationCount × TARGETDURATION) + the edge's own lag ` +
          `(${fmt(live.glassTrue.p50 / 1000 - live.behindEdgeS.p50, 1)} s: media end → indexed ` +
          `${fmt(live.mediaEndToIndexedP50Ms / 1000, 1)} s + playlist polling)`
        : ''),
  ]);
  rows.push(['reference: cloud camera services (anchor)', '3000–5000', '']);
  md.push(mdTable(['measure', 'p50 / p95 ms', 'notes'], rows));
  md.push(
    '',
    `"glass" = when the frame's RTP reached the server (keyframe trace events); the recording's ` +
      `PROGRAM-DATE-TIME was ${ms0(live.pdtErrorMs)} ms off real time in this run, so hls.js's ` +
      `playingDate is corrected by that much (capture/encode latency of a real camera comes on top).`,
    '',
    `Storage overhead (the same camera, ${s.segments} steady segments, ${fmt(s.mediaSeconds, 1)} s of ` +
      `media, ${fmt(s.rtpKbps, 0)} kbps of RTP):`,
    '',
    mdTable(
      ['bytes', 'total', 'per RTP byte ingested'],
      [
        ['RTP ingested (producers, same media span)', s.rtpBytes.toFixed(0), '1'],
        ['plaintext fMP4 segments', s.plainBytes, fmt(s.plainOverRtp, 4)],
        [
          'stored: sealed segments + init (ciphertext + envelope)',
          s.storedBytes + s.initStoredBytes,
          `${fmt(s.storedOverRtp, 4)} (×${fmt(s.storedOverPlain, 5)} of plaintext)`,
        ],
        ['on disk: allocated blocks of those files', s.diskBytes, fmt(s.diskOverRtp, 4)],
      ],
    ),
    '',
    `The envelope adds ${fmt((s.storedBytes - s.plainBytes) / Math.max(1, s.segments), 0)} bytes per ` +
      `object; the init segment is ${s.initPlainBytes} bytes per run. Usage meter check for this run: ` +
      `${s.meteredIngest} bytes ingested metered vs ${s.producerBytesTotal} RTP bytes received by the ` +
      `camera's producers (×${fmt(ratio(s.meteredIngest, s.producerBytesTotal), 3)}).`,
  );
  return md;
}

/** Clip export throughput against its baselines. */
export function clipSection(clip: ClipResult, clipStep: number): string[] {
  const md: string[] = [];
  md.push(
    '',
    `Clip export (${clip.clips} clips, one per camera of the N=${clipStep} step, ${clip.segments} ` +
      `segments, ${fmt(clip.clipSeconds, 0)} s of video; ${clip.rounds} rounds, variants alternated; ` +
      `page-cached reads):`,
    '',
    mdTable(
      ['variant', 'MB/s', 'MB', 'CPU ms per MB (this process)'],
      [
        [
          'ClipExporter Opus (decrypt + rewrite decode times, in process)',
          fmt(clip.exporter.mbPerS),
          fmt(clip.exporter.bytes / 1e6),
          fmt(clip.exporter.cpuMs / (clip.exporter.bytes / 1e6), 2),
        ],
        [
          'ClipExporter AAC, the default clip (same remux piped through ffmpeg -c:v copy -c:a aac)',
          fmt(clip.aacExporter.mbPerS),
          fmt(clip.aacExporter.bytes / 1e6),
          '',
        ],
        [
          'baseline: read + decrypt + concatenate',
          fmt(clip.decryptConcat.mbPerS),
          fmt(clip.decryptConcat.bytes / 1e6),
          fmt(clip.decryptConcat.cpuMs / (clip.decryptConcat.bytes / 1e6), 2),
        ],
        [
          'baseline: ffmpeg -c copy remux of the exported clip (process start included)',
          fmt(clip.ffmpegRemux.mbPerS),
          fmt(clip.ffmpegRemux.bytes / 1e6),
          '',
        ],
      ],
    ),
    '',
    `AAC clip export time / Opus (copy) export time ×${fmt(clip.aacOverOpusTime, 2)} ` +
      `(AAC clips probe as ${clip.aacStreams.join(' | ')}). ` +
      `ClipExporter / decrypt+concat ×${fmt(clip.ratioVsDecrypt, 2)}; ClipExporter / ffmpeg remux ` +
      `×${fmt(clip.ratioVsFfmpeg, 2)}. ffprobe of the exported clips (each from a run's first segment to ` +
      `its last): duration / requested range ${clip.probe.map((p) => fmt(p.probedSeconds / p.clipSeconds, 2)).join(', ')}` +
      (clip.probe.some((p) => p.probedSeconds / p.clipSeconds < 0.9)
        ? " — short clips lack the run's first segment: ClipExporter skips a segment whose first fragment " +
          'has no video track (audio-only, when the first keyframe came > 1 s after the audio).'
        : '.'),
  );
  return md;
}

/** The 24 h playlist, store level and over HTTPS. */
export function playlistSection(
  playlist: PlaylistResult,
  httpVod: HttpPlaylistResult | undefined,
): string[] {
  const md: string[] = [];
  md.push(
    '',
    `24 h on-demand playlist: ${playlist.segments} segment rows of 2 s (one run) in SQLite (temp file, ` +
      `WAL), median of ${playlist.repeats} alternated repeats; inserting them through the index ran at ` +
      `${fmt(playlist.insertsPerSecond, 0)} rows/s.`,
    '',
    mdTable(
      ['measure', 'ms'],
      [
        ['querySegments (SELECT + row mapping)', fmt(playlist.queryMs, 1)],
        ['mediaPlaylist (text)', fmt(playlist.renderMs, 1)],
        [`query + playlist (${fmt(playlist.playlistBytes / 1e6, 2)} MB)`, fmt(playlist.totalMs, 1)],
        [
          'baseline: the same SELECT on a bare better-sqlite3 connection',
          fmt(playlist.bareSelectMs, 1),
        ],
        ['ratio', `×${fmt(playlist.ratio, 2)}`],
        ...(httpVod
          ? [
              [
                `GET vod.m3u8 over HTTPS from the running server (same rows, ${httpVod.segmentsListed} ` +
                  `listed, ${fmt(httpVod.bytes / 1e6, 2)} MB), p50 / p95`,
                `${fmt(httpVod.ms.p50, 0)} / ${fmt(httpVod.ms.p95, 0)}`,
              ],
            ]
          : []),
      ],
    ),
  );
  return md;
}
