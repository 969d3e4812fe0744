import type { BillingConfig, Invoice, PriceList, UsageTotals } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import type { UsageQuery, UsageScope } from '../usage/ports.ts';
import { monthOf, parseMonth, type BillingMonth } from './months.ts';
import { priceUsage, type PricedBill } from './pricing.ts';

export interface InvoicesOptions {
  usage: UsageQuery;
  config: () => Promise<BillingConfig>;
  now: () => number;
}

/** The price list called `name`, or NOT_FOUND naming it. */
export function priceListOf(config: BillingConfig, name: string): PriceList {
  const list = config.priceLists[name];
  if (!list) throw PorchlightError.notFound(`price list "${name}"`);
  return list;
}

/** Prices metered usage per month: invoices and the months of the charts share this. */
export class Invoices {
  readonly #o: InvoicesOptions;

  constructor(options: InvoicesOptions) {
    this.#o = options;
  }

  /** The invoice of a site or an account for a `YYYY-MM` month, priced with the invoice list. */
  async invoice(
    scope: UsageScope,
    who: { id: string; name: string },
    month: string,
  ): Promise<Invoice> {
    const period = parseMonth(month);
    const now = this.#o.now();
    if (period.from > now) throw PorchlightError.badRequest(`${month} has not started yet`);
    const config = await this.#o.config();
    const usage = await this.#o.usage.totals({ ...scope, from: period.from, to: period.to });
    const { bill } = this.price(priceListOf(config, config.invoicePriceList), usage, period);
    return {
      scope: 'siteId' in scope ? 'site' : 'account',
      id: who.id,
      name: who.name,
      month: period.month,
      from: period.from,
      to: period.to,
      periodDays: period.days,
      partial: period.to > now,
      priceList: config.invoicePriceList,
      issuedAt: now,
      usage,
      ...bill,
    };
  }

  /** The last `count` months of a site (this one included), oldest first, each priced. */
  async months(
    siteId: string,
    count: number,
  ): Promise<{
    priceList: string;
    currency: string;
    months: { period: BillingMonth; usage: UsageTotals; priced: PricedBill }[];
  }> {
    const now = this.#o.now();
    const config = await this.#o.config();
    const list = priceListOf(config, config.invoicePriceList);
    const first = monthOf(now, count - 1);
    const last = monthOf(now);
    const points = await this.#o.usage.series({
      siteId,
      from: first.from,
      to: last.to,
      granularity: 'month',
    });
    return {
      priceList: config.invoicePriceList,
      currency: list.currency,
      months: points.map((p) => {
        const period = monthOf(p.start);
        return { period, usage: p.totals, priced: this.price(list, p.totals, period) };
      }),
    };
  }

  /** One month's usage priced; a month counts as its own number of days. */
  price(list: PriceList, usage: UsageTotals, period: BillingMonth): PricedBill {
    return priceUsage(list, { periodDays: period.days, usage });
  }
}
