/** Signed webhooks of a site (owners and admins: `site:manage`). */
import type { ResourceRows } from '../world.ts';

const one = (w: { siteA: string; webhookA: string }, tail = ''): string =>
  `/api/v1/sites/${w.siteA}/webhooks/${w.webhookA}${tail}`;

export const webhooks: ResourceRows = {
  examples: {
    'GET /api/v1/sites/:siteId/webhooks': (w) => ({ path: `/api/v1/sites/${w.siteA}/webhooks` }),
    'POST /api/v1/sites/:siteId/webhooks': (w) => ({
      path: `/api/v1/sites/${w.siteA}/webhooks`,
      body: { url: 'https://203.0.113.11/hook', events: ['call.missed'] },
    }),
    'PATCH /api/v1/sites/:siteId/webhooks/:webhookId': (w) => ({
      path: one(w),
      body: { events: ['ring', 'call.answered'] },
    }),
    'DELETE /api/v1/sites/:siteId/webhooks/:webhookId': (w) => ({ path: one(w) }),
    'POST /api/v1/sites/:siteId/webhooks/:webhookId/rotate': (w) => ({ path: one(w, '/rotate') }),
    'POST /api/v1/sites/:siteId/webhooks/:webhookId/test': (w) => ({ path: one(w, '/test') }),
    'GET /api/v1/sites/:siteId/webhooks/:webhookId/deliveries': (w) => ({
      path: one(w, '/deliveries?status=dead&limit=5'),
    }),
    'POST /api/v1/sites/:siteId/webhooks/:webhookId/deliveries/:deliveryId/redeliver': (w) => ({
      path: one(w, `/deliveries/${w.deliveryA}/redeliver`),
    }),
  },
};
