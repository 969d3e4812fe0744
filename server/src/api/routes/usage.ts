import { usageRoutes as contract, type UsageQueryInput } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import { siteResource } from '../../identity/authorization/resources.ts';
import type { UsageReportPort, UsageScope } from '../../ops/usage/ports.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';

type Query = Required<Pick<UsageQueryInput, 'from' | 'to'>> & {
  granularity: 'hour' | 'day' | 'month';
  deviceId?: string | undefined;
};

function port(ctx: ApiContext): UsageReportPort {
  if (!ctx.usage) throw PorchlightError.unavailable('usage metering is turned off (usage.enabled)');
  return ctx.usage;
}

/** Totals and series of one scope, in the contract's shape. */
async function report(usage: UsageReportPort, scope: UsageScope, q: Query) {
  const device = q.deviceId !== undefined ? { deviceId: q.deviceId } : {};
  const period = { from: Number(q.from), to: Number(q.to) };
  const series = await usage.series({ ...scope, ...period, ...device, granularity: q.granularity });
  const totals = await usage.totals({ ...scope, ...period, ...device });
  return {
    siteId: 'siteId' in scope ? scope.siteId : null,
    accountId: 'accountId' in scope ? scope.accountId : null,
    ...period,
    granularity: q.granularity,
    totals,
    turnBytes: series.reduce((sum, p) => sum + BigInt(p.turnBytes), 0n).toString(),
    series,
  };
}

export const usageRoutes = [
  route(contract.getSiteUsage, {
    auth: { action: 'usage:read', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, query }, ctx) => report(port(ctx), { siteId: params.siteId }, query),
  }),
  route(contract.getAccountUsage, {
    auth: { action: 'admin:accounts', resource: () => '*' },
    handler: async ({ params, query }, ctx) => {
      if (!(await ctx.repos.accounts.get(params.accountId))) {
        throw PorchlightError.notFound('account');
      }
      return report(port(ctx), { accountId: params.accountId }, query);
    },
  }),
  route(contract.listDeviceUsage, {
    auth: { action: 'usage:read', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params }, ctx) => {
      const index = ctx.recordings.service.index;
      const rows = [];
      for (const d of await ctx.repos.devices.list(params.siteId)) {
        const stream = await index.getStream(d.id);
        const t = stream ? await index.streamTotals(d.id) : null;
        rows.push({
          id: d.id,
          name: d.name,
          kind: d.kind,
          online: d.online,
          bitrate: d.online ? d.bitrate : null,
          lastSeenAt: d.lastSeenAt,
          userAgent: d.userAgent,
          firmware: d.firmware,
          storage: t && {
            segments: t.segments,
            bytes: t.bytes,
            storedBytes: t.storedBytes,
            oldest: t.firstTime,
            newest: t.lastTime,
          },
        });
      }
      return rows;
    },
  }),
];
