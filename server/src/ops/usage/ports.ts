import type { UsageDimension, UsageTotals } from '@porchlight/protocol';

/**
 * What other modules (billing, the API layer) may ask of usage metering. Quantities are the shared
 * `UsageTotals` of packages/protocol/src/usage.ts: non-negative integers as decimal strings, exact.
 */

/** Whose usage: one site, or every site an account owns (its `owner` grants). */
export type UsageScope = { siteId: string } | { accountId: string };

/**
 * A half-open period `[from, to)` in unix ms, widened to whole UTC hours: the hours it overlaps
 * (`from` rounded down, `to` rounded up). Month boundaries are whole hours, so a billing period
 * is exact.
 */
export interface UsagePeriod {
  from: number;
  to: number;
}

export type UsageTotalsRequest = UsageScope & UsagePeriod;

/** Series buckets: UTC hours, UTC days or UTC calendar months. */
export type UsageGranularity = 'hour' | 'day' | 'month';

export type UsageSeriesRequest = UsageTotalsRequest & {
  granularity: UsageGranularity;
  /** Only this device's usage (within the scope); absent = all devices of the scope. */
  deviceId?: string;
};

/** One bucket of a series: `[start, end)` in unix ms, with its totals. */
export interface UsagePoint {
  start: number;
  end: number;
  totals: UsageTotals;
}

export interface UsageQuery {
  /**
   * Usage over `[from, to)`. Every dimension is a sum of the hourly rollups except
   * `activeChannels`, which is the number of distinct devices that connected in the period
   * (a month's value is not the sum of its hours).
   */
  totals(req: UsageTotalsRequest): Promise<UsageTotals>;
  /** Buckets covering `[from, to)`, oldest first, empty buckets included (all "0"). */
  series(req: UsageSeriesRequest): Promise<UsagePoint[]>;
}

/** A series bucket with TURN relayed bytes, which no price uses (the REST report shows them). */
export interface UsageReportPoint extends UsagePoint {
  turnBytes: string;
}

/** What the REST API reads: the query with TURN bytes in its series. */
export interface UsageReportPort extends UsageQuery {
  series(req: UsageSeriesRequest): Promise<UsageReportPoint[]>;
}

export type { UsageDimension, UsageTotals };
