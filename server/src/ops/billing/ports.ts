import type { Billing } from './Billing.ts';

/** What the billing routes use. */
export type BillingPort = Pick<Billing, 'config' | 'invoices' | 'saving' | 'estimate'>;
