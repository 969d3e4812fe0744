/** TURN relay usage of a site. */
import type { ResourceRows } from '../world.ts';

export const turnUsage: ResourceRows = {
  examples: {
    'GET /api/v1/sites/:siteId/turn-usage': (w) => ({
      path: `/api/v1/sites/${w.siteA}/turn-usage?limit=5`,
    }),
  },
};
