import type {
  Bill,
  BillingConfig,
  BillingConfigInput,
  BillingMonths,
  BillingMonthsQuery,
  EstimateInput,
  Invoice,
  Saving,
  SavingQuery,
} from '@porchlight/protocol';
import { HealthApi } from './api-health.ts';

/**
 * Billing of {@link PorchlightApi}: the admin's price lists and box cost, estimates, monthly
 * invoices (JSON, CSV, printable HTML) of a site (its owners, admins) or an account (admins), a
 * site's usage and cost per month, and the cloud-vs-box saving. Months are UTC, `YYYY-MM`.
 * Refusals: FORBIDDEN, BAD_REQUEST (a price list with negative, non-numeric or unknown fields;
 * a month not started yet), NOT_FOUND (site, account, price list), CONFLICT (the box cost and the
 * compared list are in different currencies).
 */
export abstract class BillingApi extends HealthApi {
  /** Admin: the billing configuration (price lists, invoice and compare lists, the box cost). */
  getBillingConfig(): Promise<BillingConfig> {
    return this.call('getBillingConfig');
  }

  /** Replaces the whole configuration; answers it as saved. */
  putBillingConfig(config: BillingConfigInput): Promise<BillingConfig> {
    return this.call('putBillingConfig', { body: config });
  }

  /** Prices hypothetical usage with a price list: `{currency, lines, total}`. */
  estimateBill(input: EstimateInput): Promise<Bill> {
    return this.call('estimateBill', { body: input });
  }

  /** A site's invoice for a month (`YYYY-MM`). */
  getSiteInvoice(siteId: string, month: string): Promise<Invoice> {
    return this.call('getSiteInvoice', { params: { siteId, month } });
  }

  /** The invoice as CSV (text/csv). */
  getSiteInvoiceCsv(siteId: string, month: string): Promise<Blob> {
    return this.callBinary('getSiteInvoiceCsv', { params: { siteId, month } });
  }

  /** The invoice as a printable page (text/html, no scripts). */
  getSiteInvoicePage(siteId: string, month: string): Promise<Blob> {
    return this.callBinary('getSiteInvoicePage', { params: { siteId, month } });
  }

  /** An account's invoice for a month (`YYYY-MM`), all its sites. */
  getAccountInvoice(accountId: string, month: string): Promise<Invoice> {
    return this.call('getAccountInvoice', { params: { accountId, month } });
  }

  /** An account's invoice for a month as CSV. */
  getAccountInvoiceCsv(accountId: string, month: string): Promise<Blob> {
    return this.callBinary('getAccountInvoiceCsv', { params: { accountId, month } });
  }

  /** An account's invoice for a month as a printable HTML page. */
  getAccountInvoicePage(accountId: string, month: string): Promise<Blob> {
    return this.callBinary('getAccountInvoicePage', { params: { accountId, month } });
  }

  /** The site's usage and cost per month, oldest first (default the last 12 months). */
  getBillingMonths(siteId: string, query: BillingMonthsQuery = {}): Promise<BillingMonths> {
    return this.call('getBillingMonths', { params: { siteId }, query: { ...query } });
  }

  /** This month so far: the site's cloud cost next to its share of the box, per camera-month. */
  getSaving(siteId: string, query: SavingQuery = {}): Promise<Saving> {
    return this.call('getSaving', { params: { siteId }, query: { ...query } });
  }
}
