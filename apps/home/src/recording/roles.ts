import type { Me, SiteRole } from '@porchlight/sdk';

/** The roles `me` holds on the site now (valid, unrevoked grants). */
export function siteRolesOf(me: Me, siteId: string): SiteRole[] {
  if (me.kind === 'device') return [];
  const now = Date.now();
  const roles = me.grants
    .filter(
      (g) =>
        g.siteId === siteId &&
        !g.revoked &&
        (g.validFrom === null || g.validFrom <= now) &&
        (g.validUntil === null || now < g.validUntil),
    )
    .map((g) => g.role);
  return [...new Set(roles)];
}

/** Roles that may watch recordings (the server's `stream:view-recording`). */
const VIEWERS: ReadonlySet<SiteRole> = new Set(['owner', 'member']);

export function mayViewRecordings(roles: readonly SiteRole[], isAdmin: boolean): boolean {
  return isAdmin || roles.some((r) => VIEWERS.has(r));
}

/** Recording settings are the owners' (admins are let try: the server has the last word). */
export function mayManageRecording(roles: readonly SiteRole[], isAdmin: boolean): boolean {
  return isAdmin || roles.includes('owner');
}
