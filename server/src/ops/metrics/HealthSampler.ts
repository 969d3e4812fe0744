import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { HealthSeries } from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { MediaStats } from './MediaStats.ts';

const logger = createLogger('HealthSampler');

/** One point of the admin's health charts. */
export interface HealthSample {
  t: number;
  /** Per worker index; null before the worker's second poll or right after it respawned. */
  cpuPercent: (number | null)[];
  bitrateInBps: number | null;
  bitrateOutBps: number | null;
  sockets: number;
  activeRecorders: number;
  eventLoopLagMs: number;
}

export interface HealthSamplerOptions {
  media: Pick<MediaStats, 'refresh' | 'totals' | 'workerCpu' | 'polledAt'>;
  numWorkers: number;
  sockets: () => number;
  activeRecorders: () => number;
  /** Between samples (config ops.healthSampleIntervalMs). */
  intervalMs: number;
  /** How much history is kept (config ops.healthWindowSeconds). */
  windowSeconds: number;
  now?: () => number;
}

/**
 * The server side of the admin's "Server health" page: every `intervalMs` it records CPU per
 * worker, RTP bitrate in and out of the SFU, sockets, active recorders and event-loop lag into a
 * ring buffer of `windowSeconds` (an hour of 5 s points: 720). Rates come from the differences of
 * MediaStats' monotonic totals between two samples.
 */
export class HealthSampler {
  readonly #o: HealthSamplerOptions;
  readonly #now: () => number;
  readonly #ring: (HealthSample | undefined)[];
  readonly #loop: IntervalHistogram;
  #next = 0;
  #previous: { t: number; bytesIn: number; bytesOut: number; cpu: Map<number, number> } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sampling: Promise<void> | undefined;

  constructor(o: HealthSamplerOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#ring = new Array<HealthSample | undefined>(
      Math.max(1, Math.ceil((o.windowSeconds * 1000) / o.intervalMs)),
    ).fill(undefined);
    this.#loop = monitorEventLoopDelay({ resolution: 10 });
    this.#loop.enable();
  }

  /** Starts the periodic sampling (the first point right away). */
  start(): void {
    if (this.#timer) return;
    void this.sample();
    this.#timer = setInterval(() => void this.sample(), this.#o.intervalMs);
    this.#timer.unref();
  }

  /** Takes one sample now (the timer's job; tests call it too). */
  sample(): Promise<void> {
    this.#sampling ??= this.#take()
      .catch((error: unknown) => logger.warn('health sample failed', { error }))
      .finally(() => (this.#sampling = undefined));
    return this.#sampling;
  }

  /** The samples newer than `since` (all when absent), oldest first, as columns for charts. */
  series(since?: number): HealthSeries {
    const samples: HealthSample[] = [];
    for (let i = 0; i < this.#ring.length; i++) {
      const s = this.#ring[(this.#next + i) % this.#ring.length];
      if (s && (since === undefined || s.t > since)) samples.push(s);
    }
    const workers = this.#o.numWorkers;
    return {
      intervalMs: this.#o.intervalMs,
      workers,
      t: samples.map((s) => s.t),
      cpuPercent: Array.from({ length: workers }, (_, w) =>
        samples.map((s) => s.cpuPercent[w] ?? null),
      ),
      bitrateInBps: samples.map((s) => s.bitrateInBps),
      bitrateOutBps: samples.map((s) => s.bitrateOutBps),
      sockets: samples.map((s) => s.sockets),
      activeRecorders: samples.map((s) => s.activeRecorders),
      eventLoopLagMs: samples.map((s) => s.eventLoopLagMs),
    };
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#loop.disable();
  }

  async #take(): Promise<void> {
    const media = this.#o.media;
    await media.refresh();
    // The poll may be a scrape's from a moment ago: its time goes with its numbers.
    const t = Number.isFinite(media.polledAt) ? media.polledAt : this.#now();
    if (this.#previous && t <= this.#previous.t) return;
    const bytesIn = media.totals.in.bytes;
    const bytesOut = media.totals.out.bytes;
    const cpu = new Map(media.workerCpu.map((c) => [c.index, c.cpuSeconds]));
    const prev = this.#previous;
    const seconds = prev ? (t - prev.t) / 1000 : 0;
    const rate = (now: number, before: number | undefined): number | null =>
      before === undefined || seconds <= 0 || now < before ? null : (now - before) / seconds;
    const cpuPercent = Array.from({ length: this.#o.numWorkers }, (_, w) => {
      const busy = rate(cpu.get(w) ?? Number.NaN, prev?.cpu.get(w));
      return busy === null || Number.isNaN(busy) ? null : round(busy * 100, 1);
    });
    const inBps = rate(bytesIn, prev?.bytesIn);
    const outBps = rate(bytesOut, prev?.bytesOut);
    // p99 of the loop's delay since the previous sample, without the 10 ms sampling resolution.
    const lagMs = Math.max(0, this.#loop.percentile(99) / 1e6 - 10);
    this.#loop.reset();
    this.#ring[this.#next] = {
      t,
      cpuPercent,
      bitrateInBps: inBps === null ? null : Math.round(inBps * 8),
      bitrateOutBps: outBps === null ? null : Math.round(outBps * 8),
      sockets: this.#o.sockets(),
      activeRecorders: this.#o.activeRecorders(),
      eventLoopLagMs: round(lagMs, 2),
    };
    this.#next = (this.#next + 1) % this.#ring.length;
    this.#previous = { t, bytesIn, bytesOut, cpu };
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
