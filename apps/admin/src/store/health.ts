import type { StateCreator } from 'zustand';
import type { HealthSeries } from '@porchlight/sdk/rest';
import { api } from '../services.ts';
import type { Store } from './index.ts';

/** The page keeps at most an hour of points, like the server. */
const WINDOW_MS = 3_600_000;

export interface HealthSlice {
  /** Samples of the server's health sampler, oldest first; null until the first load. */
  health: HealthSeries | null;

  /** Fetches what is new since the last sample (everything the first time) and appends it. */
  loadHealth(): Promise<void>;
}

export const createHealthSlice: StateCreator<Store, [], [], HealthSlice> = (set, get) => ({
  health: null,

  loadHealth: async () => {
    const current = get().health;
    const since = current?.t.at(-1);
    const fresh = await get().attempt(() =>
      api.getHealthSeries(since === undefined ? {} : { since }),
    );
    if (!fresh) return;
    // A newer load may have landed meanwhile: merge onto what is there now.
    set({ health: merge(get().health, fresh) });
  },
});

/** Appends `next` to `base` (dropping repeats), keeping the last hour. */
export function merge(base: HealthSeries | null, next: HealthSeries): HealthSeries {
  if (!base || base.workers !== next.workers) return next;
  const last = base.t.at(-1) ?? Number.NEGATIVE_INFINITY;
  const from = next.t.findIndex((t) => t > last);
  if (from === -1) return base;
  const newest = next.t.at(-1)!;
  const keepFrom = base.t.findIndex((t) => t > newest - WINDOW_MS);
  const cut = keepFrom === -1 ? base.t.length : keepFrom;
  const join = <T>(a: T[], b: T[]): T[] => [...a.slice(cut), ...b.slice(from)];
  return {
    intervalMs: next.intervalMs,
    workers: next.workers,
    t: join(base.t, next.t),
    cpuPercent: base.cpuPercent.map((series, w) => join(series, next.cpuPercent[w] ?? [])),
    bitrateInBps: join(base.bitrateInBps, next.bitrateInBps),
    bitrateOutBps: join(base.bitrateOutBps, next.bitrateOutBps),
    sockets: join(base.sockets, next.sockets),
    activeRecorders: join(base.activeRecorders, next.activeRecorders),
    eventLoopLagMs: join(base.eventLoopLagMs, next.eventLoopLagMs),
  };
}
