import { z } from 'zod';
import { UsageFileSchema } from './usage.ts';

/**
 * Price lists, the box's own cost and the priced result (estimate, invoice). Prices are decimal
 * strings (numbers are accepted and written back as strings) because billing is done in decimal,
 * never in binary floats; the server does the arithmetic (server/src/ops/billing/pricing.ts).
 */

/**
 * Minor units (digits after the decimal point) of common ISO 4217 currencies; others come from
 * `Intl` (ICU's table, which follows ISO 4217).
 */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  CHF: 2,
  CAD: 2,
  AUD: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CNY: 2,
  INR: 2,
  BRL: 2,
  JPY: 0,
  KRW: 0,
  ISK: 0,
  CLP: 0,
  VND: 0,
  KWD: 3,
  BHD: 3,
  JOD: 3,
  OMR: 3,
  TND: 3,
};

/** ISO 4217 codes this runtime knows (Intl), plus the table's. */
function knownCurrency(code: string): boolean {
  if (code in MINOR_UNITS) return true;
  try {
    return Intl.supportedValuesOf('currency').includes(code);
  } catch {
    return false;
  }
}

/** Digits after the decimal point in amounts of `currency` (USD 2, JPY 0, KWD 3). */
export function minorUnits(currency: string): number {
  const fixed = MINOR_UNITS[currency];
  if (fixed !== undefined) return fixed;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits!;
}

export const CurrencySchema = z
  .string('must be an ISO 4217 currency code such as "USD"')
  .refine(
    (code) => /^[A-Z]{3}$/.test(code) && knownCurrency(code),
    'must be an ISO 4217 currency code such as "USD"',
  );

const DECIMAL = /^(0|[1-9][0-9]{0,14})(\.[0-9]{1,12})?$/;

/**
 * A non-negative decimal: "0.0085" or 0.0085. Strings are the exact value; a number is taken as
 * its shortest decimal spelling (0.1 is "0.1", not the float's binary expansion).
 */
export const PriceSchema = z
  .union([z.string(), z.number()], {
    error: (issue) =>
      issue.input === undefined ? 'is required' : 'must be a decimal string or a number',
  })
  .transform((value, ctx) => {
    const text = typeof value === 'number' ? decimalOfNumber(value) : value.trim();
    if (/^-/.test(text)) ctx.addIssue({ code: 'custom', message: 'must not be negative' });
    else if (!DECIMAL.test(text))
      ctx.addIssue({
        code: 'custom',
        message:
          'must be a non-negative decimal number such as "0.0085" (at most 15 digits before and 12 after the point)',
      });
    else return text;
    return z.NEVER;
  });

/** The shortest decimal spelling of a finite number, without exponent (1e-7 -> "0.0000001"). */
function decimalOfNumber(n: number): string {
  if (!Number.isFinite(n)) return 'not finite';
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // Exponent form only for tiny or huge numbers; toFixed(20) then trim gives the plain digits.
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** The unit prices of a price list, in the order lines appear on a bill. */
export const PRICE_FIELDS = [
  'ingestPerGB',
  'consumePerGB',
  'hlsPerGB',
  'storagePerGBMonth',
  'signalingChannelPerMonth',
  'signalingMessagesPerMillion',
  'turnPerThousandMinutes',
] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

/** One price list: a currency and a unit price per metered dimension. */
export const PriceListSchema = z.strictObject({
  currency: CurrencySchema,
  /** What the list is, for people (e.g. "Example modelled on a cloud provider's public prices"). */
  description: z.string().max(300).optional(),
  ingestPerGB: PriceSchema,
  consumePerGB: PriceSchema,
  hlsPerGB: PriceSchema,
  storagePerGBMonth: PriceSchema,
  signalingChannelPerMonth: PriceSchema,
  signalingMessagesPerMillion: PriceSchema,
  turnPerThousandMinutes: PriceSchema,
});
export type PriceList = z.output<typeof PriceListSchema>;
export type PriceListInput = z.input<typeof PriceListSchema>;

/** What running Porchlight here costs per month: the box, and its power draw. */
export const BoxCostSchema = z.strictObject({
  currency: CurrencySchema,
  /** Hardware amortised per month, plus anything else fixed (internet share, backups). */
  boxCostPerMonth: PriceSchema,
  /** Average draw of the box and its cameras' share of switches, in watts. */
  powerWatts: PriceSchema,
  pricePerKWh: PriceSchema,
});
export type BoxCost = z.output<typeof BoxCostSchema>;

const ListNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lower-case letters, digits or dashes');

/**
 * The billing configuration an admin edits: named price lists, which one invoices use, which
 * cloud list the saving compares against, and the box cost.
 */
export const BillingConfigSchema = z
  .strictObject({
    priceLists: z
      .record(ListNameSchema, PriceListSchema)
      .refine((r) => Object.keys(r).length >= 1, 'needs at least one price list')
      .refine((r) => Object.keys(r).length <= 20, 'at most 20 price lists'),
    /** The list monthly invoices are priced with. */
    invoicePriceList: ListNameSchema,
    /** The cloud list the saving compares the box against. */
    comparePriceList: ListNameSchema,
    box: BoxCostSchema,
  })
  .superRefine((c, ctx) => {
    for (const key of ['invoicePriceList', 'comparePriceList'] as const) {
      if (!(c[key] in c.priceLists))
        ctx.addIssue({ code: 'custom', path: [key], message: `no price list named "${c[key]}"` });
    }
  });
export type BillingConfig = z.output<typeof BillingConfigSchema>;
export type BillingConfigInput = z.input<typeof BillingConfigSchema>;

/** The estimate command's and route's input: a price list and a usage file's content. */
export const EstimateInputSchema = UsageFileSchema.extend({ prices: PriceListSchema });
export type EstimateInput = z.input<typeof EstimateInputSchema>;

export const BILL_ITEMS = [
  'ingest',
  'consume',
  'hls',
  'storage',
  'channels',
  'messages',
  'turn',
] as const;
export type BillItem = (typeof BILL_ITEMS)[number];

/** One line of a bill; every number a decimal string. */
export const BillLineSchema = z.object({
  item: z.enum(BILL_ITEMS),
  /** In `unit`, to at most 9 decimals (the amount comes from the exact quantity). */
  quantity: z.string(),
  unit: z.string(),
  unitPrice: z.string(),
  /** Rounded half-up to the currency's minor unit. */
  amount: z.string(),
});
export type BillLine = z.infer<typeof BillLineSchema>;

/** An estimate, and the priced part of an invoice. */
export const BillSchema = z.object({
  currency: z.string(),
  lines: z.array(BillLineSchema),
  /** The rounded sum of the unrounded lines. */
  total: z.string(),
});
export type Bill = z.infer<typeof BillSchema>;
