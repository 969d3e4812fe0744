/** Grants: who has access to a site, inviting and removing people. */
import { randomUUID } from 'node:crypto';
import type { ResourceRows } from '../world.ts';

export const grants: ResourceRows = {
  examples: {
    'GET /api/v1/sites/:siteId/grants': (w) => ({ path: `/api/v1/sites/${w.siteA}/grants` }),
    'POST /api/v1/sites/:siteId/grants': (w) => ({
      path: `/api/v1/sites/${w.siteA}/grants`,
      body: {
        email: `${randomUUID()}@example.com`,
        role: 'guest',
        password: 'a-long-password',
        devices: { ids: [w.deviceA1] },
      },
    }),
    'DELETE /api/v1/sites/:siteId/grants/:grantId': (w) => ({
      path: `/api/v1/sites/${w.siteA}/grants/${w.grantA}`,
    }),
  },
};
