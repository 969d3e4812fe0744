/** Metered usage: a site's report and device table (owners, admins); an account's (admins). */
import type { ResourceRows } from '../world.ts';

const HOUR = 3_600_000;
const period = `from=${HOUR * 400_000}&to=${HOUR * 400_024}&granularity=hour`;

export const usage: ResourceRows = {
  examples: {
    'GET /api/v1/sites/:siteId/usage': (w) => ({
      path: `/api/v1/sites/${w.siteA}/usage?${period}`,
    }),
    'GET /api/v1/admin/accounts/:accountId/usage': (w) => ({
      path: `/api/v1/admin/accounts/${w.otherAccount}/usage?${period}`,
    }),
    'GET /api/v1/sites/:siteId/usage/devices': (w) => ({
      path: `/api/v1/sites/${w.siteA}/usage/devices`,
    }),
  },
};
