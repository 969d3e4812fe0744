import { z } from 'zod';
import { REST_ENDPOINTS } from './endpoints.ts';
import { defineRoute, NoInputSchema } from './route.ts';

/** One node of a cluster as the admin sees it (a single box lists itself). */
export const ClusterNodeSchema = z.object({
  id: z.string(),
  /** Where clients and the other nodes reach its HTTPS/socket.io server. */
  url: z.string(),
  /** The address other nodes' pipe transports reach its media on. */
  mediaAddress: z.string(),
  startedAt: z.number(),
  /** Draining: no new sessions; its clients are moving to other nodes; it exits when done. */
  draining: z.boolean(),
  /** Load score the node reports (higher = busier). */
  load: z.number(),
  /** The node that answered this request. */
  self: z.boolean(),
});
export type ClusterNode = z.infer<typeof ClusterNodeSchema>;

export const ClusterNodeParamsSchema = z.strictObject({
  nodeId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/),
});

export const ClusterDrainSchema = z.object({
  nodeId: z.string(),
  /** The node was already draining (the call changed nothing). */
  alreadyDraining: z.boolean(),
});
export type ClusterDrain = z.infer<typeof ClusterDrainSchema>;

export const clusterRoutes = {
  listClusterNodes: defineRoute({
    ...REST_ENDPOINTS.listClusterNodes,
    summary: 'The live nodes of the cluster with their load and draining state. Admins.',
    tag: 'operations',
    params: NoInputSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: z.array(ClusterNodeSchema),
    status: 200,
  }),
  drainClusterNode: defineRoute({
    ...REST_ENDPOINTS.drainClusterNode,
    summary:
      'Drains a node (like SIGTERM): it stops taking sessions, tells its clients to reconnect elsewhere, then exits. Admins; audited.',
    tag: 'operations',
    params: ClusterNodeParamsSchema,
    query: NoInputSchema,
    body: NoInputSchema,
    response: ClusterDrainSchema,
    status: 202,
  }),
};
