/** The cluster's nodes (platform-wide): listing is metrics:read, draining is platform admin. */
import type { ResourceRows } from '../world.ts';

export const cluster: ResourceRows = {
  examples: {
    'GET /api/v1/cluster/nodes': () => ({ path: '/api/v1/cluster/nodes' }),
    // A single box refuses the drain (409) once authorized: never drains the shared test server.
    'POST /api/v1/cluster/nodes/:nodeId/drain': () => ({
      path: '/api/v1/cluster/nodes/no-such-node/drain',
    }),
  },
};
