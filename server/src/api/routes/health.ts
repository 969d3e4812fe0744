import { healthRoutes as contract } from '@porchlight/protocol';
import { route } from '../Route.ts';

/** The admin's "Server health" charts: platform-wide, so `metrics:read` on everything. */
export const healthRoutes = [
  route(contract.getHealthSeries, {
    auth: { action: 'metrics:read', resource: () => '*' },
    handler: async ({ query }, ctx) => ctx.health.series(query.since),
  }),
];
