import { clusterRoutes as contract } from '@porchlight/protocol';
import { route } from '../Route.ts';

/** Platform operations on the cluster's nodes: admins only. */
export const clusterRoutes = [
  route(contract.listClusterNodes, {
    auth: { action: 'metrics:read', resource: () => '*' },
    handler: async (_req, ctx) => ctx.cluster.nodes(),
  }),
  route(contract.drainClusterNode, {
    auth: { action: 'admin:sites', resource: () => '*' },
    handler: async ({ params, principal, ip }, ctx) => {
      try {
        const result = await ctx.cluster.drain(params.nodeId, 'admin');
        await ctx.audit.record({
          principal,
          action: 'cluster.drain',
          outcome: 'success',
          ip,
          detail: { nodeId: params.nodeId, alreadyDraining: result.alreadyDraining },
        });
        return result;
      } catch (error) {
        await ctx.audit.record({
          principal,
          action: 'cluster.drain',
          outcome: 'failure',
          ip,
          detail: { nodeId: params.nodeId, error: (error as Error).name },
        });
        throw error;
      }
    },
  }),
];
