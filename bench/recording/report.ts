/**
 * The recording bench's markdown: the sweep against the bare baseline, segment latency and the
 * recording timing checks (live HLS, storage, clip export and playlist: reportMedia.ts).
 */
import { mdTable } from '../lib/results.ts';
import { fmt, median, ratio, type Summary } from '../lib/stats.ts';
import type { ClipResult } from './clip.ts';
import type { HttpPlaylistResult } from './httpPlaylist.ts';
import type { LiveResult } from './live.ts';
import { CLIP_SECONDS, CLIP_SIZE } from './media.ts';
import { CONTENTION_CORE_PCT, HOLE_MS, NPROC, OFF_MS, opts, WARMUP_SEGMENTS } from './options.ts';
import type { PlaylistResult } from './playlist.ts';
import { clipSection, liveSection, playlistSection } from './reportMedia.ts';
import type { OursStep } from './stepTypes.ts';
import { ms0, sweepTable, type StepPair, type SweepSummary } from './summary.ts';

export function report(r: {
  pairs: StepPair[];
  sweep: SweepSummary;
  live: LiveResult | undefined;
  clip: ClipResult | undefined;
  clipStep: number;
  playlist: PlaylistResult | undefined;
  httpVod: HttpPlaylistResult | undefined;
}): string {
  const { pairs, sweep, live, clip, playlist, httpVod } = r;
  const oursSteps = pairs.map((p) => p.ours).filter((o): o is OursStep => o !== undefined);
  const atMax = oursSteps.find((o) => o.n === sweep.maxCleanN) ?? oursSteps[oursSteps.length - 1];
  const md: string[] = [];
  md.push(
    `Cameras: ffmpeg \`-re -stream_loop -1 -c copy\` of a pre-encoded ${CLIP_SECONDS} s clip (H264 ` +
      `constrained baseline ${CLIP_SIZE}p30, 1 Mbps, keyframe every 2 s, + Opus 32 kbps; ` +
      `${fmt(median(oursSteps.map((o) => o.rtpMbpsPerStream)), 2)} Mbps of RTP per camera) into comedia ` +
      `PlainTransports of a camera Peer in the site's Room (Room.produce, minted devices): the ` +
      `RecordingService records them as any camera (mediasoup → ffmpeg \`-c copy\` → fMP4 → segmenter → ` +
      `AES-256-GCM → fsync'd files → SQLite). Sources, recorders, server and worker share this ` +
      `${NPROC}-core machine with other tenants; ${opts.windowS} s window per step (bare ${opts.bareWindowS} s), variants alternated, ` +
      `fresh processes each step; the window opens once every stream has indexed ${WARMUP_SEGMENTS} segments. ` +
      `CPU from /proc/<pid>/stat deltas, % of one core. Baseline: the same N ` +
      `sources remuxed by bare \`ffmpeg -c copy -f mp4\` (same SDP and fragment options, output /dev/null) ` +
      `receiving RTP directly. "Lost" = seq gaps + holes > ${HOLE_MS} ms in camera time + recorder restarts ` +
      `+ segments missing from the window (1 of slack per stream) + steady segments > ${OFF_MS} ms off 2 s. ` +
      `"Contended" steps (lost segments while other tenants used ≥ ${CONTENTION_CORE_PCT}% of a core and ` +
      `the bench did not saturate the machine) are measured again once and give no verdict.`,
    '',
    sweepTable(pairs),
    '',
    mdTable(
      [
        'max N with 0 lost segments',
        'per stream % core at max N (ffmpeg+node / +worker)',
        'marginal % per stream (ffmpeg+node / +worker)',
        'projected streams per core (ffmpeg+node / +worker)',
        'bare per stream % (marginal)',
        'bare projected per core',
        'stopped',
      ],
      [
        [
          `${sweep.maxCleanN}${sweep.maxCleanIsLowerBound ? '+' : ''}`,
          `${fmt(sweep.perStreamPct, 2)} / ${fmt(sweep.perStreamWithWorkerPct, 2)}`,
          `${fmt(sweep.marginalPct, 2)} / ${fmt(sweep.marginalWithWorkerPct, 2)}`,
          `${fmt(sweep.projectedPerCore, 0)} / ${fmt(sweep.projectedPerCoreWithWorker, 0)}`,
          `${fmt(sweep.barePerStreamPct, 2)} (${fmt(sweep.bareMarginalPct, 2)})`,
          fmt(sweep.bareProjectedPerCore, 0),
          sweep.stoppedBecause +
            (sweep.contendedN.length ? `; N=${sweep.contendedN.join(',')} contended` : ''),
        ],
      ],
    ),
    '',
    `PORCHLIGHT/BARE CPU per stream: ×${fmt(sweep.ratioPerStream, 2)} (recorder ffmpeg + node), ` +
      `×${fmt(sweep.ratioPerStreamWithWorker, 2)} including the mediasoup worker (median over matched ` +
      `clean N); marginal ×${fmt(sweep.ratioMarginal, 2)}. Projections divide one core by the marginal cost ` +
      `(sources excluded: they are the cameras). The worker also carries the camera ingest that live ` +
      `viewing needs anyway; the bare receivers get RTP straight from the sources.`,
  );

  if (atMax) md.push(...timingSection(atMax, oursSteps));
  if (live) md.push(...liveSection(live));
  if (clip) md.push(...clipSection(clip, r.clipStep));
  if (playlist) md.push(...playlistSection(playlist, httpVod));
  return md.join('\n');
}

/** A latency table row: p50, p95 and max with `digits` decimals. */
function spread(label: string, s: Summary, digits = 0): string[] {
  return [label, fmt(s.p50, digits), fmt(s.p95, digits), fmt(s.max, digits)];
}

/** Segment latency at the largest clean N, and the recording timing checks over all steps. */
function timingSection(atMax: OursStep, oursSteps: OursStep[]): string[] {
  const md: string[] = [];
  const lat = atMax.latency;
  const dw = atMax.durableWriteMs;
  const base50 = lat.muxOut.p50 + dw.p50;
  const base95 = lat.muxOut.p95 + dw.p95;
  md.push(
    '',
    `Segment available (row inserted, \`segment\` event) at N=${atMax.n} ` +
      `(${lat.mediaEndToIndexed.n} steady segments in the window; "real media end" = arrival at mediasoup ` +
      `of the keyframe that ends the segment, from the producer's keyframe trace events):`,
    '',
    mdTable(
      ['measure', 'p50 ms', 'p95 ms', 'max ms'],
      [
        spread('ingest complete (ingestTime + durationMs) → indexed', lat.ingestToIndexed),
        spread('real media end → indexed', lat.mediaEndToIndexed),
        spread('… media end → last fragment out of ffmpeg', lat.muxOut),
        spread('… → segment cut (the segmenter waits for the next keyframe fragment)', lat.cutWait),
        spread('… → indexed (seal + fsync’d write + insert)', lat.persist, 1),
        spread(
          'baseline: write + fsync + rename + dir fsync of a same-size file, same moments',
          dw,
          1,
        ),
        [
          'baseline: bare ffmpeg → disk (fragment out of ffmpeg + that durable write)',
          ms0(base50),
          ms0(base95),
          '',
        ],
        [
          'ratio persist / durable write',
          fmt(ratio(lat.persist.p50, dw.p50), 2),
          fmt(ratio(lat.persist.p95, dw.p95), 2),
          '',
        ],
        [
          'ratio media end → indexed / bare ffmpeg → disk (difference)',
          `×${fmt(ratio(lat.mediaEndToIndexed.p50, base50), 1)} (+${ms0(lat.mediaEndToIndexed.p50 - base50)})`,
          `×${fmt(ratio(lat.mediaEndToIndexed.p95, base95), 1)} (+${ms0(lat.mediaEndToIndexed.p95 - base95)})`,
          '',
        ],
      ],
    ),
    '',
    `ingestTime is when the segment's *first* fragment arrived (~1 s after the segment's start), so ` +
      `ingestTime + durationMs falls about when the segmenter cuts: that definition measures little more ` +
      `than the persist step. A viewer waits "real media end → indexed": ffmpeg emits a fragment when it ` +
      `is complete (\`-frag_duration 1000000\`) and the segmenter cuts a segment only when the *next* ` +
      `fragment, the one starting with a keyframe, has arrived, i.e. one fragment (~1 s) later.`,
  );
  const ae = atMax.latency.anchorError;
  const firsts = oursSteps.flatMap((o) => o.firstSegments);
  const stops = oursSteps.map((o) => o.recorderStopMs.p50).filter(Number.isFinite);
  const tails = oursSteps.flatMap((o) => (o.lostTailMs.n ? [o.lostTailMs.p50] : []));
  md.push(
    '',
    mdTable(
      ['recording timing check', 'value'],
      [
        [
          `camera time (producerTime, PROGRAM-DATE-TIME) − real time, N=${atMax.n}`,
          `p50 ${ms0(ae.p50)} ms, range ${ms0(ae.min)} … ${ms0(ae.max)} ms (constant per run, varies between runs)`,
        ],
        [
          `a run's first segment (${firsts.length} runs)`,
          `duration ${ms0(Math.min(...firsts.map((f) => f.durationMs)))}–${ms0(Math.max(...firsts.map((f) => f.durationMs)))} ms; ` +
            `gap to the second ${ms0(Math.min(...firsts.map((f) => f.gapToNextMs)))}…${ms0(Math.max(...firsts.map((f) => f.gapToNextMs)))} ms ` +
            `(${firsts.filter((f) => Math.abs(f.gapToNextMs) > HOLE_MS).length} overlaps/holes)`,
        ],
        [
          `segments 2…${WARMUP_SEGMENTS} of a run (before the window) with a hole or > ${OFF_MS} ms off 2 s`,
          `${oursSteps.reduce((x, o) => x + o.startupIrregular, 0)} of ${oursSteps.reduce((x, o) => x + o.n * (WARMUP_SEGMENTS - 1), 0)}`,
        ],
        [
          'window segments > 1 s off 2 s (all steps)',
          (() => {
            const count = oursSteps.reduce((x, o) => x + o.longSegments.count, 0);
            const inside = oursSteps.reduce((x, o) => x + o.longSegments.keyframeInside, 0);
            return count === 0
              ? 'none'
              : `${count}; in ${inside} of them a keyframe reached mediasoup mid-segment (the recording side missed the cut)`;
          })(),
        ],
        [
          'recorder failures the server logged (it restarted them), all steps',
          (() => {
            const all: Record<string, number> = {};
            for (const o of oursSteps) {
              for (const [k, v] of Object.entries(o.recorderFailures)) all[k] = (all[k] ?? 0) + v;
            }
            const list = Object.entries(all).map(([k, v]) => `${v} × ${k}`);
            return list.length ? list.join('; ') : 'none';
          })(),
        ],
        [
          'camera gone → recorder process gone (median per step)',
          `${stops.map((s) => ms0(s)).join(', ')} ms (SIGINT, SIGKILL after the 4 s grace)`,
        ],
        [
          "media sent before the camera stopped that no segment holds (run's tail, median per step)",
          `${tails.map((s) => ms0(s)).join(', ')} ms`,
        ],
      ],
    ),
  );
  return md;
}
