import type { Grant, SiteRole } from '../../store/types.ts';
import type { Action } from './actions.ts';
import { deviceResource, siteResource } from './resources.ts';

/** One IAM-style statement. Deny beats allow; no statement means deny. */
export interface Statement {
  effect: 'allow' | 'deny';
  actions: string[];
  resources: string[];
  /** Unix ms window in which the statement applies (guest access between two dates). */
  notBefore?: number;
  notAfter?: number;
}

/**
 * Roles are bundles of actions. Stream actions apply to the grant's devices (all of the site's,
 * or only the listed ones); site-level actions apply to the site.
 */
export const ROLE_ACTIONS: Record<SiteRole, { stream: Action[]; site: Action[] }> = {
  owner: {
    stream: [
      'call:answer',
      'door:manage',
      'stream:view-live',
      'stream:view-recording',
      'stream:talk',
      'recording:manage',
      'recording:trigger',
    ],
    site: [
      'site:read',
      'site:manage',
      'member:manage',
      'device:provision',
      'device:manage',
      'audit:read',
      'usage:read',
      'alarm:read',
      'alarm:manage',
    ],
  },
  member: {
    stream: ['call:answer', 'stream:view-live', 'stream:view-recording', 'stream:talk'],
    site: ['site:read'],
  },
  guest: {
    stream: ['stream:view-live'],
    site: ['site:read'],
  },
  installer: {
    stream: ['stream:view-live'],
    site: ['site:read', 'device:provision', 'device:manage'],
  },
};

/** The statements a grant gives. Revoked grants give none. */
export function statementsForGrant(grant: Grant): Statement[] {
  if (grant.revokedAt !== null) return [];
  const role = ROLE_ACTIONS[grant.role];
  const window = {
    ...(grant.validFrom !== null ? { notBefore: grant.validFrom } : {}),
    ...(grant.validUntil !== null ? { notAfter: grant.validUntil } : {}),
  };
  const site = siteResource(grant.siteId);
  const devices =
    grant.deviceIds === null
      ? [`${site}/*`]
      : grant.deviceIds.map((d) => deviceResource(grant.siteId, d));
  return [
    {
      effect: 'allow',
      actions: role.site,
      resources: [site, ...(grant.deviceIds === null ? [`${site}/*`] : [])],
      ...window,
    },
    { effect: 'allow', actions: role.stream, resources: devices, ...window },
  ];
}

/** Platform admins may do everything. */
export const ADMIN_STATEMENTS: Statement[] = [
  { effect: 'allow', actions: ['*'], resources: ['*'] },
];

/**
 * A device may publish its own media, hear talk-back addressed to it, raise recording events
 * (its own person detection, its doorbell button) and ring its own door (doorbells); nothing else.
 */
export function statementsForDevice(siteId: string, deviceId: string): Statement[] {
  return [
    {
      effect: 'allow',
      actions: ['stream:publish', 'stream:receive-talk', 'recording:trigger', 'call:ring'],
      resources: [deviceResource(siteId, deviceId)],
    },
  ];
}

/**
 * A visitor may ring (be in the call of) exactly one door; which call is bound by the credential
 * and checked by the call room, not by a statement.
 */
export function statementsForVisitor(siteId: string, doorId: string): Statement[] {
  return [{ effect: 'allow', actions: ['call:ring'], resources: [deviceResource(siteId, doorId)] }];
}

/**
 * The detector host may watch its assigned cameras live and raise their person events (the
 * event routes ask `recording:trigger`); the routes it may call at all are gated separately.
 */
export function statementsForDetector(
  cameras: readonly { siteId: string; deviceId: string }[],
): Statement[] {
  if (cameras.length === 0) return [];
  return [
    {
      effect: 'allow',
      actions: ['stream:view-live', 'recording:trigger'],
      resources: cameras.map((c) => deviceResource(c.siteId, c.deviceId)),
    },
  ];
}
