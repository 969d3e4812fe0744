/** Billing months are UTC calendar months, written `YYYY-MM`. */
export interface BillingMonth {
  month: string;
  /** `[from, to)` in unix ms. */
  from: number;
  to: number;
  /** Days in the month: the storage line's month length. */
  days: number;
}

const DAY_MS = 86_400_000;

function of(year: number, monthIndex: number): BillingMonth {
  const from = Date.UTC(year, monthIndex, 1);
  const to = Date.UTC(year, monthIndex + 1, 1);
  const d = new Date(from);
  const month = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  return { month, from, to, days: (to - from) / DAY_MS };
}

/** The month a `YYYY-MM` string names (already validated by the contract). */
export function parseMonth(month: string): BillingMonth {
  const [y, m] = month.split('-').map(Number);
  return of(y!, m! - 1);
}

/** The month `at` falls in, and `back` months before it. */
export function monthOf(at: number, back = 0): BillingMonth {
  const d = new Date(at);
  return of(d.getUTCFullYear(), d.getUTCMonth() - back);
}
