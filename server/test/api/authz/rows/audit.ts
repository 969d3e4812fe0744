/** The audit log of a site. */
import type { ResourceRows } from '../world.ts';

export const audit: ResourceRows = {
  examples: {
    'GET /api/v1/sites/:siteId/audit': (w) => ({ path: `/api/v1/sites/${w.siteA}/audit?limit=5` }),
  },
};
