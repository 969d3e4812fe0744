/** Recordings: settings, manual start/stop, events, timeline, playback, master keys. */
import type { ResourceRows } from '../world.ts';

export const recordings: ResourceRows = {
  examples: {
    'GET /api/v1/sites/:siteId/recordings': (w) => ({
      path: `/api/v1/sites/${w.siteA}/recordings`,
    }),
    'GET /api/v1/sites/:siteId/recordings/usage': (w) => ({
      path: `/api/v1/sites/${w.siteA}/recordings/usage?from=2026-01-01&to=2026-12-31`,
    }),
    'GET /api/v1/sites/:siteId/devices/:deviceId/recording': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording`,
    }),
    'PATCH /api/v1/sites/:siteId/devices/:deviceId/recording': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording`,
      body: { mode: 'event', retentionMaxAgeSeconds: 86_400 },
    }),
    'POST /api/v1/sites/:siteId/devices/:deviceId/recording/start': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/start`,
      body: { durationSeconds: 60 },
    }),
    'POST /api/v1/sites/:siteId/devices/:deviceId/recording/stop': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/stop`,
      body: {},
    }),
    'POST /api/v1/sites/:siteId/devices/:deviceId/recording/events': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/events`,
      body: { type: 'person' },
    }),
    'GET /api/v1/sites/:siteId/devices/:deviceId/recording/fragments': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/fragments?from=0&to=${Date.now()}`,
    }),
    'GET /api/v1/sites/:siteId/devices/:deviceId/recording/timeline': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/timeline?from=${Date.now() - 3_600_000}&to=${Date.now()}`,
    }),
    'GET /api/v1/sites/:siteId/devices/:deviceId/recording/thumbnails': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/thumbnails?from=${Date.now() - 3_600_000}&to=${Date.now()}`,
    }),
    'POST /api/v1/sites/:siteId/devices/:deviceId/recording/playback': (w) => ({
      path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/playback`,
      body: { from: Date.now() - 60_000, to: Date.now() },
    }),
    'POST /api/v1/admin/recording-keys/rotate': () => ({
      path: '/api/v1/admin/recording-keys/rotate',
      body: {},
    }),
  },
};
