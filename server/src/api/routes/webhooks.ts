import { webhookRoutes as contract } from '@porchlight/protocol';
import { route } from '../Route.ts';
import { auditSite, onSite } from './siteAudit.ts';

/** Managing a site's webhooks is managing the site: owners for theirs, admins everywhere. */
const auth = { action: 'site:manage', resource: onSite } as const;

/**
 * Signed webhooks of a site (docs/webhooks.md). Creation and rotation answer the signing secret
 * once (it is never logged nor audited); create, update, rotate and delete are audited.
 */
export const webhookRoutes = [
  route(contract.listWebhooks, {
    auth,
    handler: async ({ params }, ctx) => ({ webhooks: await ctx.webhooks.list(params.siteId) }),
  }),
  route(contract.createWebhook, {
    auth,
    handler: async (req, ctx) => {
      const created = await ctx.webhooks.create(req.params.siteId, req.body);
      await auditSite(ctx, req, 'webhook.create', {
        webhookId: created.webhook.id,
        // The host only: receiver URLs often carry a token in their path or query.
        host: new URL(created.webhook.url).host,
        events: created.webhook.events,
      });
      return created;
    },
  }),
  route(contract.updateWebhook, {
    auth,
    handler: async (req, ctx) => {
      const view = await ctx.webhooks.update(req.params.siteId, req.params.webhookId, req.body);
      await auditSite(ctx, req, 'webhook.update', { webhookId: view.id, ...req.body });
      return view;
    },
  }),
  route(contract.deleteWebhook, {
    auth,
    handler: async (req, ctx) => {
      await ctx.webhooks.delete(req.params.siteId, req.params.webhookId);
      await auditSite(ctx, req, 'webhook.delete', { webhookId: req.params.webhookId });
    },
  }),
  route(contract.rotateWebhookSecret, {
    auth,
    handler: async (req, ctx) => {
      const rotated = await ctx.webhooks.rotate(req.params.siteId, req.params.webhookId);
      await auditSite(ctx, req, 'webhook.rotate', {
        webhookId: req.params.webhookId,
        previousSecretExpiresAt: rotated.webhook.previousSecretExpiresAt,
      });
      return rotated;
    },
  }),
  route(contract.testWebhook, {
    auth,
    handler: async ({ params }, ctx) => ctx.webhooks.test(params.siteId, params.webhookId),
  }),
  route(contract.listWebhookDeliveries, {
    auth,
    handler: async ({ params, query }, ctx) => ({
      deliveries: await ctx.webhooks.deliveries(
        params.siteId,
        params.webhookId,
        query.status,
        query.limit,
      ),
    }),
  }),
  route(contract.redeliverWebhook, {
    auth,
    handler: async ({ params }, ctx) =>
      ctx.webhooks.redeliver(params.siteId, params.webhookId, params.deliveryId),
  }),
];
