import type { HttpMethod } from './route.ts';

/**
 * Method and path of every `/api/v1` route, without schemas: the SDK sends requests from this
 * table alone, so a production bundle carries no zod. The route descriptors spread these in.
 */
export const REST_ENDPOINTS = {
  login: { method: 'POST', path: '/api/v1/auth/login' },
  refresh: { method: 'POST', path: '/api/v1/auth/refresh' },
  logout: { method: 'POST', path: '/api/v1/auth/logout' },
  me: { method: 'GET', path: '/api/v1/me' },
  listAccounts: { method: 'GET', path: '/api/v1/admin/accounts' },
  createAccount: { method: 'POST', path: '/api/v1/admin/accounts' },
  updateAccount: { method: 'PATCH', path: '/api/v1/admin/accounts/:accountId' },
  listSites: { method: 'GET', path: '/api/v1/sites' },
  createSite: { method: 'POST', path: '/api/v1/sites' },
  getSite: { method: 'GET', path: '/api/v1/sites/:siteId' },
  renameSite: { method: 'PATCH', path: '/api/v1/sites/:siteId' },
  deleteSite: { method: 'DELETE', path: '/api/v1/sites/:siteId' },
  listAllSites: { method: 'GET', path: '/api/v1/admin/sites' },
  listAudit: { method: 'GET', path: '/api/v1/sites/:siteId/audit' },
  getTurnUsage: { method: 'GET', path: '/api/v1/sites/:siteId/turn-usage' },
  listGrants: { method: 'GET', path: '/api/v1/sites/:siteId/grants' },
  createGrant: { method: 'POST', path: '/api/v1/sites/:siteId/grants' },
  revokeGrant: { method: 'DELETE', path: '/api/v1/sites/:siteId/grants/:grantId' },
  listInvitations: { method: 'GET', path: '/api/v1/sites/:siteId/invitations' },
  createInvitation: { method: 'POST', path: '/api/v1/sites/:siteId/invitations' },
  revokeInvitation: {
    method: 'DELETE',
    path: '/api/v1/sites/:siteId/invitations/:invitationId',
  },
  previewInvitation: { method: 'POST', path: '/api/v1/invitations/preview' },
  acceptInvitation: { method: 'POST', path: '/api/v1/invitations/accept' },
  acceptInvitationAsMe: { method: 'POST', path: '/api/v1/invitations/accept-as-me' },
  listDevices: { method: 'GET', path: '/api/v1/sites/:siteId/devices' },
  createProvisioningCode: { method: 'POST', path: '/api/v1/sites/:siteId/provisioning-codes' },
  provision: { method: 'POST', path: '/api/v1/provision' },
  deviceToken: { method: 'POST', path: '/api/v1/devices/token' },
  renameDevice: { method: 'PATCH', path: '/api/v1/sites/:siteId/devices/:deviceId' },
  rotateDevice: { method: 'POST', path: '/api/v1/sites/:siteId/devices/:deviceId/rotate' },
  removeDevice: { method: 'DELETE', path: '/api/v1/sites/:siteId/devices/:deviceId' },
  listApiKeys: { method: 'GET', path: '/api/v1/api-keys' },
  createApiKey: { method: 'POST', path: '/api/v1/api-keys' },
  revokeApiKey: { method: 'DELETE', path: '/api/v1/api-keys/:keyId' },
  listRecordings: { method: 'GET', path: '/api/v1/sites/:siteId/recordings' },
  getRecordingUsage: { method: 'GET', path: '/api/v1/sites/:siteId/recordings/usage' },
  getRecording: { method: 'GET', path: '/api/v1/sites/:siteId/devices/:deviceId/recording' },
  updateRecording: { method: 'PATCH', path: '/api/v1/sites/:siteId/devices/:deviceId/recording' },
  startRecording: {
    method: 'POST',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/start',
  },
  stopRecording: { method: 'POST', path: '/api/v1/sites/:siteId/devices/:deviceId/recording/stop' },
  triggerRecording: {
    method: 'POST',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/events',
  },
  listRecordingFragments: {
    method: 'GET',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/fragments',
  },
  getRecordingTimeline: {
    method: 'GET',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/timeline',
  },
  listRecordingThumbnails: {
    method: 'GET',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/thumbnails',
  },
  createPlayback: {
    method: 'POST',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/playback',
  },
  rotateRecordingKeys: { method: 'POST', path: '/api/v1/admin/recording-keys/rotate' },
} as const satisfies Record<string, { method: HttpMethod; path: string }>;

export type RestRouteName = keyof typeof REST_ENDPOINTS;
