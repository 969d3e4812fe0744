/**
 * Options and fixed loads of the TURN bench (see bench/turn.ts for the flags).
 */
import { numberArg } from '../lib/args.ts';

export const LOOPBACK = '127.0.0.1';
export const RELAY_THREADS = numberArg('relay-threads', 1);
/** Minimal-client allocations (each: challenge, Allocate, Refresh(0)), this many in flight. */
export const ALLOCATIONS = numberArg('allocations', 3000);
export const ALLOC_CONCURRENCY = 50;
/** uclient full sessions: processes x clients each. */
export const SESSION_PROCS = 4;
export const SESSION_CLIENTS = 10;
/** Relay runs: parallel uclient processes x clients x messages of `bytes`, echoed back. */
export const RELAY_RUNS = [
  { procs: 4, clients: 10, messages: 1000, bytes: 1000 },
  { procs: 4, clients: 10, messages: 1000, bytes: 200 },
];
/**
 * One relay port per allocation, held ~1 s past Refresh(0) and until timeout for uclient's spare
 * allocations: at ~2,500 allocations/s a 2,000-port range ran out (508), hence 10,000.
 */
export const RELAY_PORTS = 10_000;
/** Reference loads for "equivalent" capacity: G.711 audio leg (50 pps each way) and a camera. */
export const AUDIO_CALL_PPS = 100;
export const CAMERA_MBPS = 2;
