/** UTC hours, days and months as unix ms, for rollup keys and series buckets. */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Start of the UTC hour containing `ms`. */
export function hourOf(ms: number): number {
  return ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);
}

/** End of the UTC hour containing `ms - 1`: `to` of a half-open period, rounded up. */
export function hourCeil(ms: number): number {
  const h = hourOf(ms);
  return h === ms ? ms : h + HOUR_MS;
}

/** `[from, to)` cut at hour boundaries: [hour start, milliseconds inside that hour]. */
export function* hourSlices(from: number, to: number): Generator<[number, number]> {
  let t = from;
  while (t < to) {
    const hour = hourOf(t);
    const end = Math.min(to, hour + HOUR_MS);
    yield [hour, end - t];
    t = end;
  }
}

export type Granularity = 'hour' | 'day' | 'month';

/** Start of the bucket containing `ms`. */
export function bucketOf(ms: number, granularity: Granularity): number {
  if (granularity === 'hour') return hourOf(ms);
  const d = new Date(ms);
  if (granularity === 'day') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(start: number, granularity: Granularity): number {
  if (granularity === 'hour') return start + HOUR_MS;
  const d = new Date(start);
  if (granularity === 'day') {
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  }
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
