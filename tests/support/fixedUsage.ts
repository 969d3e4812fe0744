import { USAGE_DIMENSIONS, type UsageTotals } from '@porchlight/protocol';
import type {
  UsagePoint,
  UsageQuery,
  UsageScope,
  UsageSeriesRequest,
  UsageTotalsRequest,
} from '../../server/src/ops/usage/ports.ts';

const ZERO: UsageTotals = Object.fromEntries(USAGE_DIMENSIONS.map((d) => [d, '0'])) as UsageTotals;

const keyOf = (scope: UsageScope): string =>
  'siteId' in scope ? `site:${scope.siteId}` : `account:${scope.accountId}`;

/**
 * A test double of the usage meter's query port for tests about billing (prices, invoices,
 * charts), not about metering: totals are set per scope and UTC month, and a request sums the
 * months that start inside `[from, to)`. The meter's own accuracy is tested by its own suite.
 */
export class FixedUsage implements UsageQuery {
  readonly #months = new Map<string, Map<number, UsageTotals>>();

  /** Usage of `scope` in the UTC month starting at `monthStart` (absent dimensions 0). */
  set(scope: UsageScope, monthStart: number, totals: Partial<UsageTotals>): void {
    let months = this.#months.get(keyOf(scope));
    if (!months) this.#months.set(keyOf(scope), (months = new Map()));
    months.set(monthStart, { ...ZERO, ...totals });
  }

  async totals(req: UsageTotalsRequest): Promise<UsageTotals> {
    const sum = Object.fromEntries(USAGE_DIMENSIONS.map((d) => [d, 0n])) as Record<
      keyof UsageTotals,
      bigint
    >;
    for (const [start, totals] of this.#months.get(keyOf(req)) ?? []) {
      if (start < req.from || start >= req.to) continue;
      for (const d of USAGE_DIMENSIONS) sum[d] += BigInt(totals[d]);
    }
    return Object.fromEntries(USAGE_DIMENSIONS.map((d) => [d, String(sum[d])])) as UsageTotals;
  }

  async series(req: UsageSeriesRequest): Promise<UsagePoint[]> {
    if (req.granularity !== 'month') throw new Error('FixedUsage keeps months only');
    const points: UsagePoint[] = [];
    for (let start = req.from; start < req.to;) {
      const d = new Date(start);
      const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      points.push({ start, end, totals: await this.totals({ ...req, from: start, to: end }) });
      start = end;
    }
    return points;
  }
}
