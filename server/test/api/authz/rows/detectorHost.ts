/**
 * Detection on the server: only a camera reports its own capability (deviceA1 reporting for A2 is
 * refused, like every person); the host's own routes take the host's token only, which no
 * principal here holds (server/test/detection/hostScope.integration.test.ts tries that token on
 * every route).
 */
import type { ResourceRows } from '../world.ts';

export const detectorHost: ResourceRows = {
  authenticated: {
    'PUT /api/v1/devices/:deviceId/detection/capability': [],
  },
  examples: {
    'PUT /api/v1/devices/:deviceId/detection/capability': (w) => ({
      path: `/api/v1/devices/${w.deviceA2}/detection/capability`,
      body: { canDetect: false, reason: 'too slow', detector: null },
    }),
    'POST /api/v1/detector-host/token': () => ({ path: '/api/v1/detector-host/token' }),
    'GET /api/v1/detector-host/assignment': () => ({ path: '/api/v1/detector-host/assignment' }),
    'PUT /api/v1/detector-host/status': () => ({
      path: '/api/v1/detector-host/status',
      body: { cameras: [] },
    }),
  },
};
