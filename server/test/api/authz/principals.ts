/**
 * The principals of the authorization matrix and who may do what: written by hand on purpose,
 * it is the specification the policy code is checked against, not derived from it.
 */
import type { Action } from '../../../src/identity/authorization/actions.ts';

export type Who =
  | 'anonymous'
  | 'admin'
  | 'ownerA'
  | 'memberA'
  | 'guestA'
  | 'installerA'
  | 'ownerB'
  | 'deviceA1'
  | 'apikeyA';
export const EVERYONE: Who[] = [
  'anonymous',
  'admin',
  'ownerA',
  'memberA',
  'guestA',
  'installerA',
  'ownerB',
  'deviceA1',
  'apikeyA',
];
/** Every principal that presents a credential. */
export const AUTHENTICATED_PRINCIPALS: Who[] = EVERYONE.filter((x) => x !== 'anonymous');
/** People (accounts): not devices, not API keys. */
export const PEOPLE: Who[] = ['admin', 'ownerA', 'memberA', 'guestA', 'installerA', 'ownerB'];

/**
 * Who may do each action on site A or its device A2 (the guest is limited to device A1, the API
 * key of ownerA to stream:view-live + site:read on site A).
 */
export const ALLOWED: Record<Action, Who[]> = {
  'stream:publish': ['admin', 'deviceA1'],
  'stream:view-live': ['admin', 'ownerA', 'memberA', 'installerA', 'apikeyA'],
  'stream:view-recording': ['admin', 'ownerA', 'memberA'],
  'stream:talk': ['admin', 'ownerA', 'memberA'],
  'recording:manage': ['admin', 'ownerA'],
  // deviceA1 may trigger on itself only (recording.integration.test.ts); the examples target A2.
  'recording:trigger': ['admin', 'ownerA'],
  'stream:receive-talk': ['admin', 'deviceA1'],
  'site:read': ['admin', 'ownerA', 'memberA', 'guestA', 'installerA', 'apikeyA'],
  'site:manage': ['admin', 'ownerA'],
  'member:manage': ['admin', 'ownerA'],
  'device:provision': ['admin', 'ownerA', 'installerA'],
  'device:manage': ['admin', 'ownerA', 'installerA'],
  'audit:read': ['admin', 'ownerA'],
  'usage:read': ['admin', 'ownerA'],
  'account:manage-keys': [],
  'admin:accounts': ['admin'],
  'admin:sites': ['admin'],
};

/**
 * Routes that take no credentials: the body carries the secret (password, code, credential,
 * invitation token).
 */
export const PUBLIC = new Set([
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/provision',
  'POST /api/v1/devices/token',
  'POST /api/v1/invitations/preview',
  'POST /api/v1/invitations/accept',
]);
