/** RTSP and RTMP cameras of a site: adding needs device:provision, changing device:manage. */
import type { ResourceRows } from '../world.ts';

const site = (w: { siteA: string }): string => `/api/v1/sites/${w.siteA}/ingest`;

export const ingest: ResourceRows = {
  examples: {
    'GET /api/v1/sites/:siteId/ingest': (w) => ({ path: site(w) }),
    'POST /api/v1/sites/:siteId/ingest/rtsp/probe': (w) => ({
      path: `${site(w)}/rtsp/probe`,
      body: { url: 'rtsp://127.0.0.1:1/cam' },
    }),
    'POST /api/v1/sites/:siteId/ingest/rtsp': (w) => ({
      path: `${site(w)}/rtsp`,
      body: { name: 'Yard', url: 'rtsp://127.0.0.1:1/cam', enabled: false },
    }),
    'POST /api/v1/sites/:siteId/ingest/rtmp': (w) => ({
      path: `${site(w)}/rtmp`,
      body: { name: 'Encoder 2' },
    }),
    'PATCH /api/v1/sites/:siteId/ingest/:deviceId': (w) => ({
      path: `${site(w)}/${w.rtspA}`,
      body: { transport: 'udp' },
    }),
    'DELETE /api/v1/sites/:siteId/ingest/:deviceId': (w) => ({ path: `${site(w)}/${w.rtspA}` }),
    'POST /api/v1/sites/:siteId/ingest/:deviceId/stream-key': (w) => ({
      path: `${site(w)}/${w.rtmpA}/stream-key`,
    }),
    'DELETE /api/v1/sites/:siteId/ingest/:deviceId/stream-key': (w) => ({
      path: `${site(w)}/${w.rtmpA}/stream-key`,
    }),
  },
};
