import { auditRoutes as contract } from '@porchlight/protocol';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { siteResource } from '../../identity/authorization/resources.ts';
import type { ApiContext } from '../ApiContext.ts';
import { auditQuery, withNames } from '../auditNames.ts';
import { route } from '../Route.ts';

/** The resource of a route under `/sites/:siteId` (its `auth.resource`). */
export const onSite = ({ params }: { params: { siteId: string } }) => siteResource(params.siteId);

/** Audits a successful change to something of the route's site (alarms, webhooks). */
export async function auditSite(
  ctx: ApiContext,
  req: { principal: Principal | undefined; ip: string; params: { siteId: string } },
  action: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await ctx.audit.record({
    principal: req.principal,
    action,
    resource: siteResource(req.params.siteId),
    outcome: 'success',
    ip: req.ip,
    detail,
  });
}

/**
 * The whole instance's audit log and its integrity, for the admin dashboard (and
 * `npm run audit:verify`).
 */
export const auditVerifyRoutes = [
  route(contract.listInstanceAudit, {
    auth: { action: 'admin:accounts', resource: () => '*' },
    handler: async ({ query }, ctx) =>
      withNames(ctx.repos, await ctx.audit.query(auditQuery(query))),
  }),
  route(contract.verifyAudit, {
    auth: { action: 'admin:accounts', resource: () => '*' },
    handler: async (_req, ctx) => ctx.audit.verify(),
  }),
];
