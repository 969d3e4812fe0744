import { z } from 'zod';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import type { ClusterNode, ClusterDrain } from '@porchlight/protocol';
import { PorchlightError } from '../errors.ts';
import type { Cluster } from './Cluster.ts';

const logger = createLogger('cluster.drain');

/** How often a drain looks whether its sockets are gone. */
const POLL_MS = 100;
/** The RPC another node's admin drain arrives by. */
const DRAIN_METHOD = 'cluster.drain';
const drainRequestSchema = z.object({ reason: z.string().max(200) });
const drainAnswerSchema = z.object({ alreadyDraining: z.boolean() });

/** The signaling side of a drain. */
export interface DrainableSockets {
  /** Refuses new sockets and joins; tells the open ones to reconnect elsewhere. */
  drain(reason: string, spreadMs: number): void;
  readonly sessionCount: number;
  disconnectAll(): void;
}

export interface NodeDrainOptions {
  cluster: Pick<Cluster, 'nodes' | 'rpc'>;
  sockets: DrainableSockets;
  /** Longest wait for the sockets to leave (config cluster.drainTimeoutMs). */
  timeoutMs: number;
  /** Clients reconnect after a random delay up to this (config cluster.reconnectSpreadMs). */
  reconnectSpreadMs: number;
}

export type NodeDrainEvents = {
  /** Every socket left (or the timeout closed the rest): the node may close and exit now. */
  drained: [reason: string];
};

/**
 * Takes this node out of service without dropping its users: marked draining in the node
 * directory (no new placements; /readyz says 503 so balancers stop sending), new sockets and
 * joins refused as UNAVAILABLE (clients retry through the balancer), open sockets told to
 * reconnect elsewhere, then `drained` once they are gone or `timeoutMs` ran out. The process
 * (main.ts) closes the server on `drained`, which releases its leases last.
 */
export class NodeDrain extends EnhancedEventEmitter<NodeDrainEvents> {
  readonly #o: NodeDrainOptions;
  #running: Promise<void> | undefined;

  constructor(o: NodeDrainOptions) {
    super();
    this.#o = o;
    // An admin's drain of this node, asked on another one.
    o.cluster.rpc.handle(DRAIN_METHOD, drainRequestSchema, async ({ reason }) => {
      const alreadyDraining = this.draining;
      void this.start(reason);
      return { alreadyDraining };
    });
  }

  get draining(): boolean {
    return this.#running !== undefined;
  }

  /** Starts the drain (idempotent); resolves once drained. */
  start(reason: string): Promise<void> {
    return (this.#running ??= this.#run(reason));
  }

  async #run(reason: string): Promise<void> {
    const { cluster, sockets, timeoutMs, reconnectSpreadMs } = this.#o;
    logger.warn('draining', { reason, sockets: sockets.sessionCount, timeoutMs });
    cluster.nodes.setDraining(true);
    sockets.drain(reason, reconnectSpreadMs);
    const deadline = Date.now() + timeoutMs;
    while (sockets.sessionCount > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, POLL_MS));
    const left = sockets.sessionCount;
    if (left > 0) {
      logger.warn('drain timed out; closing the sockets left', { sockets: left });
      sockets.disconnectAll();
    } else logger.info('drained', { reason });
    this.safeEmit('drained', reason);
  }
}

/** The admin's view of the cluster (`/api/v1/cluster/nodes`). */
export class ClusterAdmin {
  readonly #cluster: Pick<Cluster, 'nodeId' | 'clustered' | 'nodes' | 'rpc'>;
  readonly #drain: NodeDrain;

  constructor(cluster: Pick<Cluster, 'nodeId' | 'clustered' | 'nodes' | 'rpc'>, drain: NodeDrain) {
    this.#cluster = cluster;
    this.#drain = drain;
  }

  nodes(): ClusterNode[] {
    return this.#cluster.nodes
      .live()
      .map((n) => ({ ...n, self: n.id === this.#cluster.nodeId }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Drains `nodeId`: this node directly, another over cluster RPC. NOT_FOUND if not live. */
  async drain(nodeId: string, reason: string): Promise<ClusterDrain> {
    // A single box has nowhere to send its users: stopping it is the service manager's job.
    if (!this.#cluster.clustered)
      throw PorchlightError.conflict('a single box cannot be drained (no other node)');
    if (nodeId === this.#cluster.nodeId) {
      const alreadyDraining = this.#drain.draining;
      void this.#drain.start(reason);
      return { nodeId, alreadyDraining };
    }
    if (!this.#cluster.nodes.get(nodeId)) throw PorchlightError.notFound('node');
    const answer = await this.#cluster.rpc.call(
      nodeId,
      DRAIN_METHOD,
      { reason },
      drainAnswerSchema,
    );
    return { nodeId, alreadyDraining: answer.alreadyDraining };
  }
}
