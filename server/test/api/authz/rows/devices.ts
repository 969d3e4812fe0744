/** Devices: listing, provisioning codes, renaming, rotating credentials, removing. */
import type { ResourceRows } from '../world.ts';

export const devices: ResourceRows = {
  examples: {
    'GET /api/v1/sites/:siteId/devices': (w) => ({ path: `/api/v1/sites/${w.siteA}/devices` }),
    'POST /api/v1/sites/:siteId/provisioning-codes': (w) => ({
      path: `/api/v1/sites/${w.siteA}/provisioning-codes`,
      body: { name: 'Garage' },
    }),
    'PATCH /api/v1/sites/:siteId/devices/:deviceId': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}`,
      body: { name: 'Back yard' },
    }),
    'POST /api/v1/sites/:siteId/devices/:deviceId/rotate': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/rotate`,
      body: {},
    }),
    'DELETE /api/v1/sites/:siteId/devices/:deviceId': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}`,
    }),
  },
};
