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
  | 'apikeyA'
  /** A doorbell visitor: the credential of a call ringing at door A. */
  | 'visitorA';
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
  'visitorA',
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
  'alarm:read': ['admin', 'ownerA'],
  'alarm:manage': ['admin', 'ownerA'],
  'account:manage-keys': [],
  'metrics:read': ['admin'],
  'admin:accounts': ['admin'],
  'admin:sites': ['admin'],
  'admin:billing': ['admin'],
  // Owners and members answer doors; guests and installers do not (a guest's access is for
  // watching, not for speaking for the household); API keys are not people.
  'call:answer': ['admin', 'ownerA', 'memberA'],
  // The doorbell device rings its own door only (doorbell.calls.integration.test.ts); the
  // examples target door A, which deviceA1 (a camera) is not.
  'call:ring': ['admin'],
  'door:manage': ['admin', 'ownerA'],
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
  // The door token in the body is the secret (doorbell visitors have no login).
  'POST /api/v1/visit/door',
  'POST /api/v1/visit/ring',
  // The body's action token (HMAC, one account, call and action) is the credential.
  'POST /api/v1/notifications/actions',
  'POST /api/v1/invitations/preview',
  'POST /api/v1/invitations/accept',
  // The one-time launch code in the body is the credential (the server's own detector host).
  'POST /api/v1/detector-host/session',
]);
