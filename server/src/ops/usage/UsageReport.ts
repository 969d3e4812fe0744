import { USAGE_DIMENSIONS, type UsageDimension, type UsageTotals } from '@porchlight/protocol';
import type { UsageFilter, UsageRepository } from '../../store/repositories/UsageRepository.ts';
import { bucketOf, hourCeil, hourOf, nextBucket } from './hours.ts';
import type {
  UsageReportPoint,
  UsageReportPort,
  UsageScope,
  UsageSeriesRequest,
  UsageTotalsRequest,
} from './ports.ts';

type Counts = Record<UsageDimension, bigint>;

function zero(): Counts {
  return Object.fromEntries(USAGE_DIMENSIONS.map((d) => [d, 0n])) as Counts;
}

function toTotals(c: Counts): UsageTotals {
  return Object.fromEntries(USAGE_DIMENSIONS.map((d) => [d, c[d].toString()])) as UsageTotals;
}

function isDimension(d: string): d is UsageDimension {
  return (USAGE_DIMENSIONS as readonly string[]).includes(d);
}

/**
 * The UsageQuery over the hourly rollups: counters summed exactly (bigint), `activeChannels` as
 * distinct devices per bucket, TURN minutes and bytes from the TURN meter's session records.
 */
export class UsageReport implements UsageReportPort {
  readonly #repo: Pick<UsageRepository, 'hourly' | 'channels' | 'turnHourly'>;

  constructor(repo: Pick<UsageRepository, 'hourly' | 'channels' | 'turnHourly'>) {
    this.#repo = repo;
  }

  async totals(req: UsageTotalsRequest): Promise<UsageTotals> {
    const bucket = { key: 0, start: hourOf(req.from), end: hourCeil(req.to) };
    const [point] = await this.#buckets(req, [bucket], () => 0);
    return point?.totals ?? toTotals(zero());
  }

  series(req: UsageSeriesRequest): Promise<UsageReportPoint[]> {
    const keyOf = (hour: number): number => bucketOf(hour, req.granularity);
    const buckets: Bucket[] = [];
    const to = hourCeil(req.to);
    for (let start = hourOf(req.from); start < to;) {
      const key = keyOf(start);
      const end = Math.min(nextBucket(key, req.granularity), to);
      buckets.push({ key, start, end });
      start = end;
    }
    return this.#buckets(req, buckets, keyOf);
  }

  /** Sums hourly rows into buckets; `keyOf` maps an hour to its bucket's key. */
  async #buckets(
    req: UsageScope & { deviceId?: string },
    buckets: readonly Bucket[],
    keyOf: (hour: number) => number,
  ): Promise<UsageReportPoint[]> {
    const first = buckets[0];
    const last = buckets[buckets.length - 1];
    if (!first || !last || first.start >= last.end) return buckets.map(empty);
    const filter: UsageFilter = {
      ...('siteId' in req ? { siteId: req.siteId } : { accountId: req.accountId }),
      ...(req.deviceId !== undefined ? { deviceId: req.deviceId } : {}),
      from: first.start,
      to: last.end,
    };
    const [hours, channels, turn] = await Promise.all([
      this.#repo.hourly(filter),
      this.#repo.channels(filter),
      this.#repo.turnHourly(filter),
    ]);
    const sums = new Map<number, Sums>();
    for (const b of buckets) sums.set(b.key, { counts: zero(), devices: new Set(), turnBytes: 0n });
    const at = (hour: number): Sums | undefined => sums.get(keyOf(hour));
    for (const h of hours) {
      const b = at(h.hour);
      if (b && isDimension(h.dimension)) b.counts[h.dimension] += BigInt(h.quantity);
    }
    for (const c of channels) at(c.hour)?.devices.add(c.deviceId);
    for (const t of turn) {
      const b = at(t.hour);
      if (!b) continue;
      b.counts.turnMinutes += BigInt(t.minutes);
      b.turnBytes += BigInt(t.bytes);
    }
    return buckets.map((bucket) => {
      const b = sums.get(bucket.key);
      if (!b) return empty(bucket);
      b.counts.activeChannels = BigInt(b.devices.size);
      return {
        start: bucket.start,
        end: bucket.end,
        totals: toTotals(b.counts),
        turnBytes: b.turnBytes.toString(),
      };
    });
  }
}

interface Bucket {
  key: number;
  start: number;
  end: number;
}

interface Sums {
  counts: Counts;
  devices: Set<string>;
  turnBytes: bigint;
}

function empty(b: Bucket): UsageReportPoint {
  return { start: b.start, end: b.end, totals: toTotals(zero()), turnBytes: '0' };
}
