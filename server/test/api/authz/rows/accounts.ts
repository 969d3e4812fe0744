/** Accounts: the caller's own account, and the admin's account management. */
import { randomUUID } from 'node:crypto';
import { AUTHENTICATED_PRINCIPALS, PEOPLE } from '../principals.ts';
import type { ResourceRows } from '../world.ts';

export const accounts: ResourceRows = {
  authenticated: {
    'GET /api/v1/me': AUTHENTICATED_PRINCIPALS,
    // A person's own password and sessions: devices and API keys are refused (403).
    'POST /api/v1/auth/password': PEOPLE,
    'GET /api/v1/auth/sessions': PEOPLE,
    'DELETE /api/v1/auth/sessions/:sessionId': PEOPLE,
    'DELETE /api/v1/auth/sessions': PEOPLE,
  },
  examples: {
    'GET /api/v1/me': () => ({ path: '/api/v1/me' }),
    'GET /api/v1/admin/accounts': () => ({ path: '/api/v1/admin/accounts' }),
    'POST /api/v1/admin/accounts': () => ({
      path: '/api/v1/admin/accounts',
      body: { email: `${randomUUID()}@example.com`, displayName: 'X', password: 'a-long-password' },
    }),
    'PATCH /api/v1/admin/accounts/:accountId': (w) => ({
      path: `/api/v1/admin/accounts/${w.otherAccount}`,
      body: { displayName: 'Y' },
    }),
    // A wrong current password: 400, so the matrix sees the policy, not the password check.
    'POST /api/v1/auth/password': () => ({
      path: '/api/v1/auth/password',
      body: { currentPassword: 'not-the-password', newPassword: 'another-long-password' },
    }),
    'GET /api/v1/auth/sessions': () => ({ path: '/api/v1/auth/sessions' }),
    'DELETE /api/v1/auth/sessions/:sessionId': () => ({
      path: '/api/v1/auth/sessions/no-such-session',
    }),
    'DELETE /api/v1/auth/sessions': () => ({ path: '/api/v1/auth/sessions' }),
    'POST /api/v1/admin/accounts/:accountId/password-reset': (w) => ({
      path: `/api/v1/admin/accounts/${w.otherAccount}/password-reset`,
    }),
    'GET /api/v1/admin/accounts/:accountId/sessions': (w) => ({
      path: `/api/v1/admin/accounts/${w.otherAccount}/sessions`,
    }),
    'DELETE /api/v1/admin/accounts/:accountId/sessions/:sessionId': (w) => ({
      path: `/api/v1/admin/accounts/${w.otherAccount}/sessions/no-such-session`,
    }),
    'DELETE /api/v1/admin/accounts/:accountId/sessions': (w) => ({
      path: `/api/v1/admin/accounts/${w.otherAccount}/sessions`,
    }),
  },
};
