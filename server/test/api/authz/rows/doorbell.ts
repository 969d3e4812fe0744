/** Doorbell: doors, door tokens, the visitor's call routes and the homeowners' call actions. */
import { TINY_JPEG } from '../../../doorbell/world.ts';
import type { Who } from '../principals.ts';
import type { ResourceRows } from '../world.ts';

/** Who may act on a call at door A (the handler asks call:answer on the door). */
const ANSWERERS: Who[] = ['admin', 'ownerA', 'memberA'];

export const doorbell: ResourceRows = {
  examples: {
    'GET /api/v1/sites/:siteId/doors': (w) => ({ path: `/api/v1/sites/${w.siteA}/doors` }),
    'GET /api/v1/sites/:siteId/doors/:doorId': (w) => ({
      path: `/api/v1/sites/${w.siteA}/doors/${w.doorA}`,
    }),
    'PATCH /api/v1/sites/:siteId/doors/:doorId': (w) => ({
      path: `/api/v1/sites/${w.siteA}/doors/${w.doorA}`,
      body: { displayName: 'The Millers' },
    }),
    'POST /api/v1/sites/:siteId/doors/:doorId/unlock': (w) => ({
      path: `/api/v1/sites/${w.siteA}/doors/${w.doorA}/unlock`,
      body: { url: 'http://127.0.0.1:1/unlock' },
    }),
    'POST /api/v1/sites/:siteId/doors/:doorId/unlock/test': (w) => ({
      path: `/api/v1/sites/${w.siteA}/doors/${w.doorA}/unlock/test`,
      body: {},
    }),
    'GET /api/v1/sites/:siteId/doors/:doorId/tokens': (w) => ({
      path: `/api/v1/sites/${w.siteA}/doors/${w.doorA}/tokens`,
    }),
    'POST /api/v1/sites/:siteId/doors/:doorId/tokens': (w) => ({
      path: `/api/v1/sites/${w.siteA}/doors/${w.doorA}/tokens`,
      body: {},
    }),
    'POST /api/v1/sites/:siteId/doors/:doorId/tokens/rotate': (w) => ({
      path: `/api/v1/sites/${w.siteA}/doors/${w.doorA}/tokens/rotate`,
      body: {},
    }),
    'DELETE /api/v1/sites/:siteId/doors/:doorId/tokens/:tokenId': (w) => ({
      path: `/api/v1/sites/${w.siteA}/doors/${w.doorA}/tokens/${w.doorTokenIdA}`,
    }),
    'POST /api/v1/sites/:siteId/doors/:doorId/ring': (w) => ({
      path: `/api/v1/sites/${w.siteA}/doors/${w.doorA}/ring`,
      body: {},
    }),
    'GET /api/v1/sites/:siteId/doors/:doorId/calls': (w) => ({
      path: `/api/v1/sites/${w.siteA}/doors/${w.doorA}/calls`,
    }),
    'GET /api/v1/visit/call': () => ({ path: '/api/v1/visit/call' }),
    'POST /api/v1/visit/call/snapshot': () => ({
      path: '/api/v1/visit/call/snapshot',
      body: { jpeg: TINY_JPEG.toString('base64') },
    }),
    'POST /api/v1/visit/call/hangup': () => ({ path: '/api/v1/visit/call/hangup', body: {} }),
    'POST /api/v1/visit/call/message': () => ({ path: '/api/v1/visit/call/message', body: {} }),
    'POST /api/v1/visit/call/message/stop': () => ({
      path: '/api/v1/visit/call/message/stop',
      body: {},
    }),
    'GET /api/v1/visit/call/replies/:replyId/speech': () => ({
      path: '/api/v1/visit/call/replies/r1/speech',
    }),
    'GET /api/v1/calls': () => ({ path: '/api/v1/calls' }),
    'GET /api/v1/calls/:callId': (w) => ({ path: `/api/v1/calls/${w.callA}` }),
    'POST /api/v1/calls/:callId/answer': (w) => ({
      path: `/api/v1/calls/${w.callA}/answer`,
      body: { deviceLabel: 'Phone' },
    }),
    'POST /api/v1/calls/:callId/decline': (w) => ({
      path: `/api/v1/calls/${w.callA}/decline`,
      body: {},
    }),
    'POST /api/v1/calls/:callId/hangup': (w) => ({
      path: `/api/v1/calls/${w.callA}/hangup`,
      body: {},
    }),
    'POST /api/v1/calls/:callId/quick-reply': (w) => ({
      path: `/api/v1/calls/${w.callA}/quick-reply`,
      body: { text: 'Coming!' },
    }),
    'POST /api/v1/calls/:callId/unlock': (w) => ({
      path: `/api/v1/calls/${w.callA}/unlock`,
      body: {},
    }),
  },
  authenticated: {
    // Every principal may list; it only sees calls it may answer.
    'GET /api/v1/calls': [
      'admin',
      'ownerA',
      'memberA',
      'guestA',
      'installerA',
      'ownerB',
      'deviceA1',
      'apikeyA',
    ],
    'GET /api/v1/calls/:callId': ANSWERERS,
    'POST /api/v1/calls/:callId/answer': ANSWERERS,
    'POST /api/v1/calls/:callId/decline': ANSWERERS,
    'POST /api/v1/calls/:callId/hangup': ANSWERERS,
    'POST /api/v1/calls/:callId/quick-reply': ANSWERERS,
    'POST /api/v1/calls/:callId/unlock': ANSWERERS,
  },
};
