/**
 * CPU accounting of the recording bench: /proc/<pid>/stat snapshots of the processes a step
 * measures, and how long stopped processes took to go.
 */
import { processCpuMs, sleep, systemCpu, udpCounters } from '../lib/resources.ts';
import { isAlive } from './media.ts';

export interface CpuSnap {
  at: number;
  /** This process (the server): user and system CPU, µs. */
  self: NodeJS.CpuUsage;
  pids: Map<number, number>;
  sys: ReturnType<typeof systemCpu>;
  udpRcvbufErrors: number;
}

export function snap(pids: readonly number[]): CpuSnap {
  const m = new Map<number, number>();
  for (const p of pids) m.set(p, processCpuMs(p));
  return {
    at: performance.now(),
    self: process.cpuUsage(),
    pids: m,
    sys: systemCpu(),
    udpRcvbufErrors: udpCounters().rcvbufErrors,
  };
}

/** % of one core used by `pids` between two snapshots. */
export function cpuPct(a: CpuSnap, b: CpuSnap, pids: readonly number[]): number {
  let ms = 0;
  for (const p of pids) {
    const x = a.pids.get(p);
    const y = b.pids.get(p);
    if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y)) ms += y - x;
  }
  return (ms / (b.at - a.at)) * 100;
}

/** ms after `since` at which each pid was gone (NaN if still alive at the timeout). */
export async function goneAfter(
  pids: readonly number[],
  since: number,
  timeoutMs: number,
): Promise<number[]> {
  const gone = new Map<number, number>();
  const until = Date.now() + timeoutMs;
  while (gone.size < pids.length && Date.now() < until) {
    for (const p of pids) if (!gone.has(p) && !isAlive(p)) gone.set(p, Date.now() - since);
    await sleep(50);
  }
  return pids.map((p) => gone.get(p) ?? Number.NaN);
}
