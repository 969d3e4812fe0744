/** Alarm rules, states and history of a site (owners and admins). */
import type { ResourceRows } from '../world.ts';

const one = (w: { siteA: string; alarmA: string }, tail = ''): string =>
  `/api/v1/sites/${w.siteA}/alarms/${w.alarmA}${tail}`;

export const alarms: ResourceRows = {
  examples: {
    'GET /api/v1/sites/:siteId/alarms': (w) => ({ path: `/api/v1/sites/${w.siteA}/alarms` }),
    'POST /api/v1/sites/:siteId/alarms': (w) => ({
      path: `/api/v1/sites/${w.siteA}/alarms`,
      body: { kind: 'stream-down', deviceId: w.deviceA1, threshold: 30 },
    }),
    'GET /api/v1/sites/:siteId/alarms/history': (w) => ({
      path: `/api/v1/sites/${w.siteA}/alarms/history?limit=5`,
    }),
    'PATCH /api/v1/sites/:siteId/alarms/:alarmId': (w) => ({
      path: one(w),
      body: { threshold: 120 },
    }),
    'DELETE /api/v1/sites/:siteId/alarms/:alarmId': (w) => ({ path: one(w) }),
    'POST /api/v1/sites/:siteId/alarms/:alarmId/acknowledge': (w) => ({
      path: one(w, '/acknowledge'),
    }),
    'POST /api/v1/sites/:siteId/alarms/:alarmId/mute': (w) => ({
      path: one(w, '/mute'),
      body: { until: Date.now() + 3_600_000 },
    }),
    'POST /api/v1/sites/:siteId/alarms/:alarmId/unmute': (w) => ({ path: one(w, '/unmute') }),
  },
};
