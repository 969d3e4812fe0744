/** Accounts: the caller's own account, and the admin's account management. */
import { randomUUID } from 'node:crypto';
import { AUTHENTICATED_PRINCIPALS } from '../principals.ts';
import type { ResourceRows } from '../world.ts';

export const accounts: ResourceRows = {
  authenticated: { 'GET /api/v1/me': AUTHENTICATED_PRINCIPALS },
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
  },
};
