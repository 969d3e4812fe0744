import { Decimal } from 'decimal.js';
import {
  minorUnits,
  type Bill,
  type BillItem,
  type BillLine,
  type BoxCost,
  type PriceField,
  type PriceList,
  type UsageFile,
  type UsageDimension,
} from '@porchlight/protocol';

/**
 * The billing arithmetic, one code path for estimates and invoices. Decimal, never binary floats:
 * quantities pass 2^53 (byte-seconds) and cents must come out as a cloud bill computes them.
 * 200 significant digits hold every product of a 30-digit quantity and a 27-digit price exactly;
 * only the storage line divides by a non-power-of-ten, and a repeating decimal cannot sit exactly
 * on a half, so rounding from 200 digits is rounding from the exact value.
 */
export const Dec = Decimal.clone({
  precision: 200,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -1000,
  toExpPos: 1000,
});
export type Dec = Decimal;

/** A GB is 2^30 bytes (1024 MB of 2^20 bytes), as cloud bills count. */
export const BYTES_PER_GB = new Dec(2).pow(30);
export const SECONDS_PER_DAY = 86_400;

/** Digits a line's quantity is shown with; the amount comes from the exact quantity. */
const QUANTITY_DECIMALS = 9;

interface LineRule {
  item: BillItem;
  usage: UsageDimension;
  price: PriceField;
  unit: string;
  /** Divides the usage into the priced unit (GB, GB-month, million messages...). */
  divisor: (periodDays: Dec) => Dec;
}

/** One rule per bill line, in bill order. */
const LINES: readonly LineRule[] = [
  {
    item: 'ingest',
    usage: 'ingestBytes',
    price: 'ingestPerGB',
    unit: 'GB',
    divisor: () => BYTES_PER_GB,
  },
  {
    item: 'consume',
    usage: 'consumeBytes',
    price: 'consumePerGB',
    unit: 'GB',
    divisor: () => BYTES_PER_GB,
  },
  { item: 'hls', usage: 'hlsBytes', price: 'hlsPerGB', unit: 'GB', divisor: () => BYTES_PER_GB },
  {
    item: 'storage',
    usage: 'storedByteSeconds',
    price: 'storagePerGBMonth',
    unit: 'GB-month',
    // A period of periodDays counts as one month.
    divisor: (days) => BYTES_PER_GB.times(days).times(SECONDS_PER_DAY),
  },
  {
    item: 'channels',
    usage: 'activeChannels',
    price: 'signalingChannelPerMonth',
    unit: 'channel-month',
    divisor: () => new Dec(1),
  },
  {
    item: 'messages',
    usage: 'signalingMessages',
    price: 'signalingMessagesPerMillion',
    unit: 'million messages',
    divisor: () => new Dec(1_000_000),
  },
  {
    item: 'turn',
    usage: 'turnMinutes',
    price: 'turnPerThousandMinutes',
    unit: 'thousand minutes',
    divisor: () => new Dec(1000),
  },
];

/** Rounded half-up to the currency's minor unit, as a plain decimal string ("9.71", "10"). */
export function money(value: Dec, currency: string): string {
  return value.toFixed(minorUnits(currency), Decimal.ROUND_HALF_UP);
}

/** A priced bill with the exact (unrounded) amounts kept for sums across bills. */
export interface PricedBill {
  bill: Bill;
  /** The unrounded total. */
  exactTotal: Dec;
  exactLines: Readonly<Record<BillItem, Dec>>;
}

/**
 * Prices usage: each line's amount is quantity x unit price rounded half-up from the exact value;
 * the total is the rounded sum of the unrounded lines (not the sum of the rounded lines).
 */
export function priceUsage(prices: PriceList, file: UsageFile): PricedBill {
  const days = new Dec(file.periodDays);
  const exactLines = {} as Record<BillItem, Dec>;
  const lines: BillLine[] = [];
  let exactTotal = new Dec(0);
  for (const rule of LINES) {
    const used = new Dec(file.usage[rule.usage]);
    const price = new Dec(prices[rule.price]);
    const divisor = rule.divisor(days);
    // One division, last: the product is exact.
    const exact = used.times(price).dividedBy(divisor);
    exactLines[rule.item] = exact;
    exactTotal = exactTotal.plus(exact);
    lines.push({
      item: rule.item,
      quantity: used.dividedBy(divisor).toDecimalPlaces(QUANTITY_DECIMALS).toFixed(),
      unit: rule.unit,
      unitPrice: price.toFixed(),
      amount: money(exact, prices.currency),
    });
  }
  return {
    bill: { currency: prices.currency, lines, total: money(exactTotal, prices.currency) },
    exactTotal,
    exactLines,
  };
}

/** The box's cost over a period: its monthly cost plus power (W x 24 h x days, in kWh) x price. */
export function boxCost(box: BoxCost, periodDays: number): Dec {
  const kWh = new Dec(box.powerWatts).times(24).times(periodDays).dividedBy(1000);
  return new Dec(box.boxCostPerMonth).plus(kWh.times(box.pricePerKWh));
}
