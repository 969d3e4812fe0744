/** Invitations: owners invite by link; a person holding a link accepts it for themselves. */
import { randomBytes, randomUUID } from 'node:crypto';
import { PEOPLE } from '../principals.ts';
import type { ResourceRows } from '../world.ts';

export const invitations: ResourceRows = {
  // Accepting into an account is a person's act: devices and API keys are refused (403); people
  // reach the route (an unknown token is 404).
  authenticated: {
    'POST /api/v1/invitations/accept-as-me': PEOPLE,
  },
  examples: {
    'GET /api/v1/sites/:siteId/invitations': (w) => ({
      path: `/api/v1/sites/${w.siteA}/invitations`,
    }),
    'POST /api/v1/sites/:siteId/invitations': (w) => ({
      path: `/api/v1/sites/${w.siteA}/invitations`,
      body: { email: `${randomUUID()}@example.com`, role: 'guest', devices: { ids: [w.deviceA1] } },
    }),
    'DELETE /api/v1/sites/:siteId/invitations/:invitationId': (w) => ({
      path: `/api/v1/sites/${w.siteA}/invitations/${randomUUID()}`,
    }),
    'POST /api/v1/invitations/accept-as-me': () => ({
      path: '/api/v1/invitations/accept-as-me',
      body: { token: randomBytes(32).toString('base64url') },
    }),
  },
};
