import type { Cluster } from '../../cluster/Cluster.ts';
import type { PorchlightMetrics } from './PorchlightMetrics.ts';

/**
 * This node's view of the cluster, read at scrape time: live nodes, and the leases it holds
 * (label: the lease's kind, the part of its name before ':', so storage scopes add no labels).
 */
export function connectClusterMetrics(
  m: PorchlightMetrics,
  cluster: Pick<Cluster, 'clustered' | 'nodes' | 'leases'>,
): void {
  m.gauge('cluster_nodes_live', 'Nodes with a fresh heartbeat, this one included.', [], (g) =>
    g.set(cluster.nodes.live().length),
  );
  m.gauge('cluster_clustered', '1 in a cluster (Redis), 0 on a single box.', [], (g) =>
    g.set(cluster.clustered ? 1 : 0),
  );
  m.gauge(
    'cluster_leases_held',
    'Leases of exclusive work this node holds now, by kind.',
    ['lease'],
    (g) => {
      g.reset();
      const counts = new Map<string, number>();
      for (const name of cluster.leases.heldNames()) {
        const kind = name.split(':')[0] ?? name;
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
      }
      for (const [lease, n] of counts) g.set({ lease }, n);
    },
  );
}
