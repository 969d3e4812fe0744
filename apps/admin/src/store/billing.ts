import type { StateCreator } from 'zustand';
import type {
  BillingConfig,
  BillingConfigInput,
  BillingMonths,
  Saving,
} from '@porchlight/sdk/rest';
import { describeApiError } from '@porchlight/sdk/rest';
import { api } from '../services.ts';
import type { Store } from './index.ts';

export type InvoiceFormat = 'json' | 'csv' | 'print';

/** The Billing page: configuration, one site's months and saving. */
export interface BillingSlice {
  billingConfig: BillingConfig | null;
  billingSiteId: string | null;
  billingMonths: BillingMonths | null;
  saving: Saving | null;
  /** Why the saving could not be computed (e.g. currencies differ), shown in its panel. */
  savingError: string | null;

  loadBillingConfig(): Promise<void>;
  /** Saves; resolves with the server's refusal (names the field), or null when saved. */
  saveBillingConfig(config: BillingConfigInput): Promise<string | null>;
  selectBillingSite(siteId: string, priceList?: string): Promise<void>;
  /** Fetches an invoice (with the session's token) and hands it to the browser. */
  openInvoice(siteId: string, month: string, format: InvoiceFormat): Promise<void>;
}

function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const createBillingSlice: StateCreator<Store, [], [], BillingSlice> = (set, get) => ({
  billingConfig: null,
  billingSiteId: null,
  billingMonths: null,
  saving: null,
  savingError: null,

  loadBillingConfig: async () => {
    const config = await get().attempt(() => api.getBillingConfig());
    if (config) set({ billingConfig: config });
  },

  saveBillingConfig: async (config) => {
    try {
      set({ billingConfig: await api.putBillingConfig(config) });
    } catch (error) {
      return describeApiError(error);
    }
    const site = get().billingSiteId;
    if (site) await get().selectBillingSite(site);
    return null;
  },

  selectBillingSite: async (siteId, priceList) => {
    set({ billingSiteId: siteId, billingMonths: null, saving: null, savingError: null });
    const months = await get().attempt(() => api.getBillingMonths(siteId, { months: 12 }));
    if (get().billingSiteId !== siteId) return;
    set({ billingMonths: months ?? null });
    try {
      const saving = await api.getSaving(siteId, priceList ? { priceList } : {});
      if (get().billingSiteId === siteId) set({ saving });
    } catch (error) {
      set({ savingError: describeApiError(error) });
    }
  },

  openInvoice: async (siteId, month, format) => {
    const name = `invoice-${month}-${siteId.slice(0, 8)}`;
    if (format === 'json') {
      const invoice = await get().attempt(() => api.getSiteInvoice(siteId, month));
      if (invoice)
        saveBlob(
          new Blob([JSON.stringify(invoice, null, 2)], { type: 'application/json' }),
          `${name}.json`,
        );
    } else if (format === 'csv') {
      const csv = await get().attempt(() => api.getSiteInvoiceCsv(siteId, month));
      if (csv) saveBlob(csv, `${name}.csv`);
    } else {
      // The page has no scripts; the browser's print dialog prints it.
      const page = await get().attempt(() => api.getSiteInvoicePage(siteId, month));
      if (page) window.open(URL.createObjectURL(page), '_blank', 'noopener');
    }
  },
});
