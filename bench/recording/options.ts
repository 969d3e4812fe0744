/**
 * Options and fixed parameters of the recording bench (see bench/recording.ts for the flags).
 */
import os from 'node:os';
import { arg, numberArg, numberList } from '../lib/args.ts';

export const opts = {
  steps: numberList(arg('steps') ?? '4,12,24,48'),
  windowS: numberArg('window', 8),
  /** The bare baseline's window (its CPU per stream is steady; a shorter window saves time). */
  bareWindowS: numberArg('bare-window', 6),
  /** The sweep starts no new step (or retry) after this many seconds from the bench's start. */
  budgetS: numberArg('budget', 140),
  hlsSeconds: numberArg('hls-seconds', 20),
  hls: arg('no-hls') !== 'true',
  clipRounds: numberArg('clip-rounds', 2),
  /** Print every indexed segment with its timings. */
  verbose: arg('verbose') === 'true',
  /** Keep exported clips whose probed duration is off (for inspection). */
  keepClips: arg('keep-clips'),
};
export const NPROC = os.availableParallelism();
export const SEGMENT_MS = 2000;
/** The clip's keyframe interval. */
export const GOP_MS = 2000;
/** The bench's own processes using this share of the machine: CPU-saturated, stop. */
export const SATURATED_PCT = 90;
/** Other tenants using at least this much (% of one core) during a troubled step: contended. */
export const CONTENTION_CORE_PCT = 50;
/** Camera-time continuity tolerance between consecutive segments (the integration test's). */
export const HOLE_MS = 150;
/** A steady segment this far off the 2 s target counts as a lost/irregular segment. */
export const OFF_MS = 1000;
/** Segments each stream indexes before the window opens (a run's first seconds are irregular). */
export const WARMUP_SEGMENTS = 3;
/** HLS samples before this (s after the first frame) are start-up. */
export const HLS_SETTLE_S = 6;
