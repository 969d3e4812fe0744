import { z } from 'zod';
import { BillingConfigSchema, BillSchema, EstimateInputSchema } from '../billing.ts';
import { USAGE_DIMENSIONS, type UsageDimension } from '../usage.ts';
import { ResourceIdSchema, SiteParamsSchema } from './common.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { BinarySchema, defineRoute, NoInputSchema } from './route.ts';

/** A calendar month in UTC, `YYYY-MM`. */
export const MonthSchema = z
  .string()
  .regex(/^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM');

export const SiteMonthParamsSchema = z.strictObject({
  siteId: ResourceIdSchema,
  month: MonthSchema,
});
export const AccountMonthParamsSchema = z.strictObject({
  accountId: ResourceIdSchema,
  month: MonthSchema,
});

/** Usage totals as answered: every dimension a decimal integer string. */
export const UsageTotalsViewSchema = z.object(
  Object.fromEntries(USAGE_DIMENSIONS.map((d) => [d, z.string()])) as Record<
    UsageDimension,
    z.ZodString
  >,
);

/** A monthly invoice of one site or one account (the sites it owns), priced from metered usage. */
export const InvoiceSchema = BillSchema.extend({
  scope: z.enum(['site', 'account']),
  /** The site's or account's id, and its name. */
  id: z.string(),
  name: z.string(),
  month: z.string(),
  /** `[from, to)` in unix ms (UTC month). */
  from: z.number(),
  to: z.number(),
  /** Days of the month: the storage line's "month". */
  periodDays: z.number(),
  /** The month is not over: usage so far. */
  partial: z.boolean(),
  /** The price list's name. */
  priceList: z.string(),
  issuedAt: z.number(),
  usage: UsageTotalsViewSchema,
});
export type Invoice = z.infer<typeof InvoiceSchema>;

export const BillingMonthsQuerySchema = z.strictObject({
  /** How many months back from this one (this one included). */
  months: z.coerce.number<number>().int().min(1).max(36).optional(),
});
export type BillingMonthsQuery = z.input<typeof BillingMonthsQuerySchema>;

/** A site's usage and cost per month, oldest first, under the invoice price list. */
export const BillingMonthsSchema = z.object({
  priceList: z.string(),
  currency: z.string(),
  months: z.array(
    z.object({
      month: z.string(),
      from: z.number(),
      to: z.number(),
      partial: z.boolean(),
      usage: UsageTotalsViewSchema,
      lines: BillSchema.shape.lines,
      total: z.string(),
    }),
  ),
});
export type BillingMonths = z.infer<typeof BillingMonthsSchema>;

export const SavingQuerySchema = z.strictObject({
  /** The cloud price list to compare with; default the configuration's `comparePriceList`. */
  priceList: z.string().max(40).optional(),
});
export type SavingQuery = z.input<typeof SavingQuerySchema>;

/**
 * This month so far: the site's cost under a cloud price list next to its share of the box
 * (box cost per month plus power, prorated to the days elapsed, split per camera of the box).
 */
export const SavingSchema = z.object({
  month: z.string(),
  /** Days of the month elapsed (fractional) and in the month. */
  elapsedDays: z.number(),
  periodDays: z.number(),
  priceList: z.string(),
  currency: z.string(),
  /** The site's cloud bill so far. */
  cloudCost: z.string(),
  /** The whole box so far (cost per month + power, prorated). */
  boxCost: z.string(),
  /** Cameras (and doorbells) of the site and of the whole box. */
  cameras: z.number(),
  boxCameras: z.number(),
  /** The site's share of the box: boxCost x cameras / boxCameras. */
  siteBoxCost: z.string(),
  /** Cloud minus box share, for the site. */
  saving: z.string(),
  /** Per camera, scaled to a whole month (null without cameras). */
  cloudPerCameraMonth: z.string().nullable(),
  boxPerCameraMonth: z.string().nullable(),
  savingPerCameraMonth: z.string().nullable(),
});
export type Saving = z.infer<typeof SavingSchema>;

/** The parts every invoice route shares. */
const invoiceJson = {
  tag: 'billing',
  query: NoInputSchema,
  body: NoInputSchema,
  response: InvoiceSchema,
  status: 200,
} as const;
const invoiceFile = (produces: string) =>
  ({
    tag: 'billing',
    query: NoInputSchema,
    body: NoInputSchema,
    response: BinarySchema,
    status: 200,
    produces,
  }) as const;
const CSV = 'text/csv; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

export const billingRoutes = {
  getBillingConfig: defineRoute({
    ...REST_ENDPOINTS.getBillingConfig,
    summary: 'The billing configuration: price lists, the invoice and compare lists, the box cost.',
    tag: 'billing',
    params: NoInputSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: BillingConfigSchema,
    status: 200,
  }),
  putBillingConfig: defineRoute({
    ...REST_ENDPOINTS.putBillingConfig,
    summary: 'Replaces the billing configuration (validated: unknown fields, negatives refused).',
    tag: 'billing',
    params: NoInputSchema,
    query: NoInputSchema,
    body: BillingConfigSchema,
    response: BillingConfigSchema,
    status: 200,
  }),
  estimateBill: defineRoute({
    ...REST_ENDPOINTS.estimateBill,
    summary: 'Prices hypothetical usage with a price list (the invoice arithmetic).',
    tag: 'billing',
    params: NoInputSchema,
    query: NoInputSchema,
    body: EstimateInputSchema,
    response: BillSchema,
    status: 200,
  }),
  getSiteInvoice: defineRoute({
    ...REST_ENDPOINTS.getSiteInvoice,
    ...invoiceJson,
    summary: 'Monthly invoice of a site from metered usage (JSON).',
    params: SiteMonthParamsSchema,
  }),
  getSiteInvoiceCsv: defineRoute({
    ...REST_ENDPOINTS.getSiteInvoiceCsv,
    ...invoiceFile(CSV),
    summary: 'Monthly invoice of a site as CSV.',
    params: SiteMonthParamsSchema,
  }),
  getSiteInvoicePage: defineRoute({
    ...REST_ENDPOINTS.getSiteInvoicePage,
    ...invoiceFile(HTML),
    summary: 'Monthly invoice of a site as a printable HTML page.',
    params: SiteMonthParamsSchema,
  }),
  getAccountInvoice: defineRoute({
    ...REST_ENDPOINTS.getAccountInvoice,
    ...invoiceJson,
    summary: 'Monthly invoice of an account (the sites it owns) from metered usage (JSON).',
    params: AccountMonthParamsSchema,
  }),
  getAccountInvoiceCsv: defineRoute({
    ...REST_ENDPOINTS.getAccountInvoiceCsv,
    ...invoiceFile(CSV),
    summary: 'Monthly invoice of an account as CSV.',
    params: AccountMonthParamsSchema,
  }),
  getAccountInvoicePage: defineRoute({
    ...REST_ENDPOINTS.getAccountInvoicePage,
    ...invoiceFile(HTML),
    summary: 'Monthly invoice of an account as a printable HTML page.',
    params: AccountMonthParamsSchema,
  }),
  getBillingMonths: defineRoute({
    ...REST_ENDPOINTS.getBillingMonths,
    summary: "A site's usage and cost per month (for the charts).",
    tag: 'billing',
    params: SiteParamsSchema,
    query: BillingMonthsQuerySchema,
    body: NoInputSchema,
    response: BillingMonthsSchema,
    status: 200,
  }),
  getSaving: defineRoute({
    ...REST_ENDPOINTS.getSaving,
    summary:
      "This month's cloud cost of a site next to its share of the box: the saving per camera.",
    tag: 'billing',
    params: SiteParamsSchema,
    query: SavingQuerySchema,
    body: NoInputSchema,
    response: SavingSchema,
    status: 200,
  }),
};
