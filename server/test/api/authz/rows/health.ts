/** The admin's server health charts (platform-wide: metrics:read). */
import type { ResourceRows } from '../world.ts';

export const health: ResourceRows = {
  examples: {
    'GET /api/v1/admin/health/series': () => ({ path: '/api/v1/admin/health/series' }),
    'GET /api/v1/admin/audit/verify': () => ({ path: '/api/v1/admin/audit/verify' }),
    'GET /api/v1/admin/audit': () => ({ path: '/api/v1/admin/audit?limit=5' }),
  },
};
