/** Billing: price lists and estimates (admins), invoices and the saving of a site (owners, admins). */
import type { ResourceRows } from '../world.ts';

const month = (): string => new Date().toISOString().slice(0, 7);
const PRICES = {
  currency: 'USD',
  ingestPerGB: '0.01',
  consumePerGB: '0.01',
  hlsPerGB: '0.01',
  storagePerGBMonth: '0.02',
  signalingChannelPerMonth: '0',
  signalingMessagesPerMillion: '1',
  turnPerThousandMinutes: '0.1',
};

export const billing: ResourceRows = {
  examples: {
    'GET /api/v1/admin/billing/config': () => ({ path: '/api/v1/admin/billing/config' }),
    'PUT /api/v1/admin/billing/config': () => ({
      path: '/api/v1/admin/billing/config',
      body: {
        priceLists: { cloud: PRICES },
        invoicePriceList: 'cloud',
        comparePriceList: 'cloud',
        box: { currency: 'USD', boxCostPerMonth: '5', powerWatts: '10', pricePerKWh: '0.3' },
      },
    }),
    'POST /api/v1/admin/billing/estimate': () => ({
      path: '/api/v1/admin/billing/estimate',
      body: { prices: PRICES, usage: { ingestBytes: 1 } },
    }),
    'GET /api/v1/sites/:siteId/invoices/:month': (w) => ({
      path: `/api/v1/sites/${w.siteA}/invoices/${month()}`,
    }),
    'GET /api/v1/sites/:siteId/invoices/:month/csv': (w) => ({
      path: `/api/v1/sites/${w.siteA}/invoices/${month()}/csv`,
    }),
    'GET /api/v1/sites/:siteId/invoices/:month/html': (w) => ({
      path: `/api/v1/sites/${w.siteA}/invoices/${month()}/html`,
    }),
    'GET /api/v1/admin/billing/accounts/:accountId/invoices/:month': (w) => ({
      path: `/api/v1/admin/billing/accounts/${w.otherAccount}/invoices/${month()}`,
    }),
    'GET /api/v1/admin/billing/accounts/:accountId/invoices/:month/csv': (w) => ({
      path: `/api/v1/admin/billing/accounts/${w.otherAccount}/invoices/${month()}/csv`,
    }),
    'GET /api/v1/admin/billing/accounts/:accountId/invoices/:month/html': (w) => ({
      path: `/api/v1/admin/billing/accounts/${w.otherAccount}/invoices/${month()}/html`,
    }),
    'GET /api/v1/sites/:siteId/billing/months': (w) => ({
      path: `/api/v1/sites/${w.siteA}/billing/months?months=2`,
    }),
    'GET /api/v1/sites/:siteId/billing/saving': (w) => ({
      path: `/api/v1/sites/${w.siteA}/billing/saving`,
    }),
  },
};
