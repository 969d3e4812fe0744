/** Web Push: a person's own subscribed browsers (devices and API keys have none). */
import { randomUUID } from 'node:crypto';
import { PEOPLE } from '../principals.ts';
import type { ResourceRows } from '../world.ts';

const subscription = {
  endpoint: 'https://push.example.invalid/send/authz',
  keys: { p256dh: 'B'.padEnd(87, 'A'), auth: 'A'.repeat(22) },
};

export const notifications: ResourceRows = {
  authenticated: {
    'GET /api/v1/notifications/public-key': PEOPLE,
    'GET /api/v1/notifications/subscriptions': PEOPLE,
    // Settings naming device A2 need the right to watch it live (not the guest of A1, not ownerB).
    'POST /api/v1/notifications/subscriptions': ['admin', 'ownerA', 'memberA', 'installerA'],
    // Another id is "not found" for everyone: only the owner of a subscription reaches it.
    'PATCH /api/v1/notifications/subscriptions/:subscriptionId': PEOPLE,
    'DELETE /api/v1/notifications/subscriptions/:subscriptionId': PEOPLE,
    'POST /api/v1/notifications/subscriptions/:subscriptionId/test': PEOPLE,
  },
  examples: {
    'POST /api/v1/notifications/subscriptions': (w) => ({
      path: '/api/v1/notifications/subscriptions',
      body: {
        subscription,
        settings: { devices: [{ siteId: w.siteA, deviceId: w.deviceA2 }], quietHours: null },
      },
    }),
    'PATCH /api/v1/notifications/subscriptions/:subscriptionId': () => ({
      path: `/api/v1/notifications/subscriptions/${randomUUID()}`,
      body: { label: 'Phone' },
    }),
    'DELETE /api/v1/notifications/subscriptions/:subscriptionId': () => ({
      path: `/api/v1/notifications/subscriptions/${randomUUID()}`,
    }),
    'POST /api/v1/notifications/subscriptions/:subscriptionId/test': () => ({
      path: `/api/v1/notifications/subscriptions/${randomUUID()}/test`,
    }),
  },
};
