/** Sites: read, create, rename, delete; the caller's site list; the admin's list of all sites. */
import { AUTHENTICATED_PRINCIPALS } from '../principals.ts';
import type { ResourceRows } from '../world.ts';

export const sites: ResourceRows = {
  authenticated: { 'GET /api/v1/sites': AUTHENTICATED_PRINCIPALS },
  examples: {
    'GET /api/v1/sites/:siteId': (w) => ({ path: `/api/v1/sites/${w.siteA}` }),
    'POST /api/v1/sites': () => ({ path: '/api/v1/sites', body: { name: 'New site' } }),
    'PATCH /api/v1/sites/:siteId': (w) => ({
      path: `/api/v1/sites/${w.siteA}`,
      body: { name: 'Renamed' },
    }),
    'DELETE /api/v1/sites/:siteId': (w) => ({ path: `/api/v1/sites/${w.siteA}` }),
    'GET /api/v1/sites': () => ({ path: '/api/v1/sites' }),
    'GET /api/v1/admin/sites': () => ({ path: '/api/v1/admin/sites' }),
  },
};
