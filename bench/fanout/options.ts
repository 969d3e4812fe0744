/**
 * Options and stop conditions of the fan-out bench (see bench/fanout.ts for the flags).
 */
import { arg, numberArg, numberList } from '../lib/args.ts';
import type { StepResult } from './measure.ts';

export const opts = {
  steps: numberList(arg('steps') ?? '25,50,100,200,400,600,800'),
  windowS: numberArg('window', 5),
  warmupS: numberArg('warmup', 2),
  /** Main sweep with SRTP consumers instead of plain RTP. */
  srtp: arg('srtp') === 'true',
  /** Short second sweep with SRTP-encrypting consumers (closer to WebRTC cost); "" to skip. */
  srtpCheck: numberList(arg('srtp-check') ?? '100,200'),
  liveEncode: arg('live-encode') === 'true',
  /** Stop sweeping (and report what we have) once this many seconds have passed. */
  budgetS: numberArg('budget', 330),
};
/** Optional `--srtp-check=` with nothing after it disables the SRTP sweep. */
if (arg('srtp-check') === 'true' || arg('srtp-check') === '') opts.srtpCheck = [];
export const STOP_LOSS_PCT = 5;
export const STOP_WORKER_CPU_PCT = 95;
export const CLEAN_LOSS_PCT = 1;
/** Other tenants using at least this much (% of one core) during a troubled step: contended. */
export const CONTENTION_CORE_PCT = 50;
/** A step counts as clean with < 1% loss and every consumer's stream advancing. */
export const isClean = (s: StepResult): boolean =>
  !s.contended && s.lossPct < CLEAN_LOSS_PCT && s.starvedConsumers === 0;
