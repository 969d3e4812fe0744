/** Person detection: cameras post events for themselves; people read events and settings. */
import { AUTHENTICATED_PRINCIPALS } from '../principals.ts';
import type { ResourceRows } from '../world.ts';
import { TINY_JPEG } from '../../../doorbell/world.ts';

const start = () => ({
  label: 'person',
  startedAt: Date.now(),
  maxScore: 0.7,
  zones: ['Drive'],
  track: [{ t: Date.now(), box: [0.1, 0.1, 0.2, 0.5], score: 0.7 }],
  detector: { backend: 'wasm', model: 'centernet', msPerFrame: 35 },
});

export const detection: ResourceRows = {
  authenticated: {
    // The list is filtered to readable cameras: nobody is refused, most see nothing.
    'GET /api/v1/events': AUTHENTICATED_PRINCIPALS.filter((x) => x !== 'visitorA'),
    // Camera A2's settings: people who may watch its recordings (and camera A2 itself, which is
    // not a principal here: deviceA1 reading A2's is refused).
    'GET /api/v1/devices/:deviceId/detection': ['admin', 'ownerA', 'memberA'],
  },
  examples: {
    // deviceA1 posts for itself only (server/test/detection/abuse.integration.test.ts).
    'POST /api/v1/devices/:deviceId/events': (w) => ({
      path: `/api/v1/devices/${w.deviceA2}/events`,
      body: start(),
    }),
    'PATCH /api/v1/devices/:deviceId/events/:eventId': (w) => ({
      path: `/api/v1/devices/${w.deviceA2}/events/${w.eventA2}`,
      body: { maxScore: 0.8 },
    }),
    'PUT /api/v1/devices/:deviceId/events/:eventId/snapshot': (w) => ({
      path: `/api/v1/devices/${w.deviceA2}/events/${w.eventA2}/snapshot`,
      raw: { type: 'image/jpeg', data: new Uint8Array(TINY_JPEG) },
    }),
    'GET /api/v1/events': (w) => ({ path: `/api/v1/events?siteId=${w.siteA}` }),
    'GET /api/v1/events/:eventId': (w) => ({ path: `/api/v1/events/${w.eventA2}` }),
    'GET /api/v1/devices/:deviceId/detection': (w) => ({
      path: `/api/v1/devices/${w.deviceA2}/detection`,
    }),
    'PUT /api/v1/devices/:deviceId/detection': (w) => ({
      path: `/api/v1/devices/${w.deviceA2}/detection`,
      body: { minScore: 0.4 },
    }),
  },
};
