import { billingRoutes as contract } from '@porchlight/protocol';
import { siteResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import { invoiceCsv, invoicePage } from '../../ops/billing/invoiceFormats.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';

const admin = { action: 'admin:billing', resource: () => '*' } as const;
/** Owners of the site (usage:read) and admins. */
const siteUsage = {
  action: 'usage:read',
  resource: ({ params }: { params: { siteId: string } }) => siteResource(params.siteId),
} as const;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function siteInvoice(ctx: ApiContext, siteId: string, month: string) {
  const site = await ctx.repos.sites.get(siteId);
  if (!site) throw PorchlightError.notFound('site');
  return ctx.billing.invoices.invoice({ siteId }, { id: site.id, name: site.name }, month);
}

async function accountInvoice(ctx: ApiContext, accountId: string, month: string) {
  const account = await ctx.repos.accounts.get(accountId);
  if (!account) throw PorchlightError.notFound('account');
  return ctx.billing.invoices.invoice(
    { accountId },
    { id: account.id, name: account.displayName },
    month,
  );
}

export const billingRoutes = [
  route(contract.getBillingConfig, {
    auth: admin,
    handler: async (_req, ctx) => ctx.billing.config.get(),
  }),
  route(contract.putBillingConfig, {
    auth: admin,
    handler: async ({ body, principal, ip }, ctx) => {
      await ctx.billing.config.put(body, principal?.id ?? null, ctx.now());
      await ctx.audit.record({
        principal,
        action: 'billing.config',
        outcome: 'success',
        ip,
        detail: {
          priceLists: Object.keys(body.priceLists),
          invoicePriceList: body.invoicePriceList,
        },
      });
      return ctx.billing.config.get();
    },
  }),
  route(contract.estimateBill, {
    auth: admin,
    handler: async ({ body }, ctx) => ctx.billing.estimate(body),
  }),
  route(contract.getSiteInvoice, {
    auth: siteUsage,
    handler: async ({ params }, ctx) => siteInvoice(ctx, params.siteId, params.month),
  }),
  route(contract.getSiteInvoiceCsv, {
    auth: siteUsage,
    handler: async ({ params }, ctx) =>
      bytes(invoiceCsv(await siteInvoice(ctx, params.siteId, params.month))),
  }),
  route(contract.getSiteInvoicePage, {
    auth: siteUsage,
    handler: async ({ params }, ctx) =>
      bytes(invoicePage(await siteInvoice(ctx, params.siteId, params.month))),
  }),
  route(contract.getAccountInvoice, {
    auth: admin,
    handler: async ({ params }, ctx) => accountInvoice(ctx, params.accountId, params.month),
  }),
  route(contract.getAccountInvoiceCsv, {
    auth: admin,
    handler: async ({ params }, ctx) =>
      bytes(invoiceCsv(await accountInvoice(ctx, params.accountId, params.month))),
  }),
  route(contract.getAccountInvoicePage, {
    auth: admin,
    handler: async ({ params }, ctx) =>
      bytes(invoicePage(await accountInvoice(ctx, params.accountId, params.month))),
  }),
  route(contract.getBillingMonths, {
    auth: siteUsage,
    handler: async ({ params, query }, ctx) => {
      const { priceList, currency, months } = await ctx.billing.invoices.months(
        params.siteId,
        query.months ?? 12,
      );
      return {
        priceList,
        currency,
        months: months.map(({ period, usage, priced }) => ({
          month: period.month,
          from: period.from,
          to: period.to,
          partial: period.to > ctx.now(),
          usage,
          lines: priced.bill.lines,
          total: priced.bill.total,
        })),
      };
    },
  }),
  route(contract.getSaving, {
    auth: siteUsage,
    handler: async ({ params, query }, ctx) => {
      if (!(await ctx.repos.sites.get(params.siteId))) throw PorchlightError.notFound('site');
      return ctx.billing.saving.saving(params.siteId, query.priceList);
    },
  }),
];
