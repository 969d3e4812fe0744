import { deviceIdsOf, type DeviceChoice, type SiteRole } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { siteResource } from '../../identity/authorization/resources.ts';
import type { ApiContext } from '../ApiContext.ts';

/**
 * What giving someone access (a grant or an invitation) checks first: the site exists, only an
 * admin or owner may make owners (a member manager cannot escalate), and a device choice names
 * live devices of this site. Returns the devices as stored (null = every device).
 */
export async function checkAccessToGive(
  ctx: ApiContext,
  p: Principal,
  siteId: string,
  role: SiteRole,
  devices: DeviceChoice,
): Promise<string[] | null> {
  if (!(await ctx.repos.sites.get(siteId))) throw PorchlightError.notFound('site');
  if (role === 'owner' && !(p.kind === 'account' && p.account.isAdmin))
    ctx.authorizer.assert(p, 'site:manage', siteResource(siteId));
  const deviceIds = deviceIdsOf(devices);
  if (deviceIds) {
    const live = new Set(
      (await ctx.repos.devices.list(siteId)).filter((d) => d.revokedAt === null).map((d) => d.id),
    );
    const unknown = deviceIds.filter((d) => !live.has(d));
    if (unknown.length) throw PorchlightError.badRequest(`unknown devices: ${unknown.join(', ')}`);
  }
  return deviceIds;
}

/**
 * Refuses (409) to take the owner role away from the site's last owner: nobody could manage its
 * people and devices any more. Owners whose grant has run out (validUntil past) do not count.
 */
export async function assertNotLastOwner(
  ctx: ApiContext,
  siteId: string,
  grantId: string,
): Promise<void> {
  const now = ctx.now();
  const owners = (await ctx.repos.grants.listForSite(siteId)).filter(
    (g) =>
      g.role === 'owner' &&
      g.id !== grantId &&
      (g.validFrom === null || g.validFrom <= now) &&
      (g.validUntil === null || g.validUntil > now),
  );
  if (owners.length === 0)
    throw PorchlightError.conflict(
      'this is the last owner of the site: make someone else an owner before removing them',
    );
}
