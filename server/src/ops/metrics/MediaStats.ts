import type { types } from 'mediasoup';
import type { WorkerPool, WorkerSlot } from '../../media/WorkerPool.ts';

/** RTP counters summed over streams: what went into the SFU (`in`) or out of it (`out`). */
export interface RtpTotals {
  bytes: number;
  packets: number;
  packetsLost: number;
  nacks: number;
  plis: number;
}

export type Direction = 'in' | 'out';

/** CPU time of one live worker, user + system. */
export interface WorkerCpu {
  index: number;
  cpuSeconds: number;
}

export interface MediaStatsOptions {
  pool: WorkerPool;
  /** A scrape within this long of the last poll reuses it (bounds the IPC to the workers). */
  maxAgeMs?: number;
  /** getStats calls in flight at once. */
  concurrency?: number;
  now?: () => number;
}

const zero = (): RtpTotals => ({ bytes: 0, packets: 0, packetsLost: 0, nacks: 0, plis: 0 });

/**
 * Counts what lives in the mediasoup workers (routers, transports, producers, consumers, seen
 * through the workers' observers, so recorders' transports count too) and turns their RTP stats
 * into monotonic totals. Stats are polled on demand, at most once per `maxAgeMs`; a polled
 * object's growth since its previous poll is added to the totals, so totals never go down when
 * producers and consumers come and go (only the growth between an object's last poll and its
 * close is not seen).
 */
export class MediaStats {
  readonly routers = new Set<types.Router>();
  readonly transports = new Set<types.Transport>();
  readonly producers = new Set<types.Producer>();
  readonly consumers = new Set<types.Consumer>();
  readonly totals: Record<Direction, RtpTotals> = { in: zero(), out: zero() };
  readonly #last = new Map<string, RtpTotals>();
  readonly #pool: WorkerPool;
  readonly #maxAgeMs: number;
  readonly #concurrency: number;
  readonly #now: () => number;
  readonly #watched = new WeakSet<types.Worker>();
  #cpu: WorkerCpu[] = [];
  #polledAt = Number.NEGATIVE_INFINITY;
  #polling: Promise<void> | undefined;

  constructor(o: MediaStatsOptions) {
    this.#pool = o.pool;
    this.#maxAgeMs = o.maxAgeMs ?? 2_000;
    this.#concurrency = o.concurrency ?? 8;
    this.#now = o.now ?? Date.now;
    for (const slot of o.pool.slots) this.#watch(slot);
    o.pool.on('workerRespawned', (slot) => this.#watch(slot));
  }

  /** When the last poll ended (Unix ms); the totals and CPU times are as of then. */
  get polledAt(): number {
    return this.#polledAt;
  }

  /** Live workers' CPU time as of the last poll. */
  get workerCpu(): readonly WorkerCpu[] {
    return this.#cpu;
  }

  /** Transports by type (webrtc, plain, direct, pipe). */
  transportsByType(): Map<string, number> {
    return countBy(this.transports, (t) => t.type);
  }

  producersByKind(): Map<string, number> {
    return countBy(this.producers, (p) => p.kind);
  }

  consumersByKind(): Map<string, number> {
    return countBy(this.consumers, (c) => c.kind);
  }

  /** Polls worker CPU and RTP stats unless a poll is younger than `maxAgeMs`. */
  refresh(): Promise<void> {
    if (this.#polling) return this.#polling;
    if (this.#now() - this.#polledAt < this.#maxAgeMs) return Promise.resolve();
    this.#polling = this.#poll().finally(() => {
      this.#polledAt = this.#now();
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #poll(): Promise<void> {
    const slots = this.#pool.slots;
    const cpu = await Promise.all(
      slots.map(async (s) => {
        try {
          const u = await s.worker.getResourceUsage();
          return { index: s.index, cpuSeconds: (u.ru_utime + u.ru_stime) / 1000 };
        } catch {
          return undefined; // The worker died meanwhile.
        }
      }),
    );
    this.#cpu = cpu.filter((c): c is WorkerCpu => c !== undefined);
    const jobs: (() => Promise<void>)[] = [
      ...[...this.producers].map((p) => () => this.#pollOne(p, 'in')),
      ...[...this.consumers].map((c) => () => this.#pollOne(c, 'out')),
    ];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) await jobs[next++]!();
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, jobs.length) }, worker));
  }

  async #pollOne(object: types.Producer | types.Consumer, direction: Direction): Promise<void> {
    let stats: { type: string; byteCount: number; packetCount: number }[];
    try {
      stats = await object.getStats();
    } catch {
      return; // Closed meanwhile.
    }
    if (object.closed) return;
    // A consumer also reports its producer's inbound stream: only its own outbound counts.
    const own = direction === 'in' ? 'inbound-rtp' : 'outbound-rtp';
    const now = zero();
    for (const s of stats as (types.ProducerStat | types.ConsumerStat)[]) {
      if (s.type !== own) continue;
      now.bytes += s.byteCount;
      now.packets += s.packetCount;
      now.packetsLost += Math.max(0, s.packetsLost);
      now.nacks += s.nackCount;
      now.plis += s.pliCount;
    }
    const before = this.#last.get(object.id) ?? zero();
    const total = this.totals[direction];
    for (const key of Object.keys(now) as (keyof RtpTotals)[]) {
      total[key] += Math.max(0, now[key] - before[key]);
    }
    this.#last.set(object.id, now);
  }

  #watch(slot: WorkerSlot): void {
    const worker = slot.worker;
    if (this.#watched.has(worker)) return;
    this.#watched.add(worker);
    worker.observer.on('newrouter', (router) => {
      track(this.routers, router);
      router.observer.on('newtransport', (transport) => {
        track(this.transports, transport);
        transport.observer.on('newproducer', (p) => {
          this.producers.add(p);
          p.observer.once('close', () => this.#forget(this.producers, p));
        });
        transport.observer.on('newconsumer', (c) => {
          this.consumers.add(c);
          c.observer.once('close', () => this.#forget(this.consumers, c));
        });
      });
    });
  }

  #forget<T extends { id: string }>(set: Set<T>, object: T): void {
    set.delete(object);
    this.#last.delete(object.id);
  }
}

function track<T extends { observer: { once(event: 'close', fn: () => void): unknown } }>(
  set: Set<T>,
  object: T,
): void {
  set.add(object);
  object.observer.once('close', () => set.delete(object));
}

function countBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}
