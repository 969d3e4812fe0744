/** API keys: a person's own keys (devices and keys cannot mint keys). */
import { randomUUID } from 'node:crypto';
import { PEOPLE } from '../principals.ts';
import type { ResourceRows } from '../world.ts';

export const apiKeys: ResourceRows = {
  // Keys are a person's: devices and keys cannot mint keys; ownerB has no access to site A, which
  // the example key is for.
  authenticated: {
    'GET /api/v1/api-keys': PEOPLE,
    'POST /api/v1/api-keys': PEOPLE.filter((x) => x !== 'ownerB'),
    'DELETE /api/v1/api-keys/:keyId': PEOPLE,
  },
  examples: {
    'GET /api/v1/api-keys': () => ({ path: '/api/v1/api-keys' }),
    'POST /api/v1/api-keys': (w) => ({
      path: '/api/v1/api-keys',
      body: { name: 'k', scopes: ['site:read'], siteId: w.siteA },
    }),
    'DELETE /api/v1/api-keys/:keyId': (w) => ({
      path: `/api/v1/api-keys/${w.keyOfCaller ?? randomUUID()}`,
    }),
  },
};
