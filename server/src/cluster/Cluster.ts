import type { Redis } from 'ioredis';
import { createLogger } from '@porchlight/runtime';
import { LocalBus, RedisBus, type ClusterBus } from './ClusterBus.ts';
import { BusRpc, type ClusterRpc } from './ClusterRpc.ts';
import { LocalLeases, RedisLeases, type Leases } from './Leases.ts';
import {
  LocalNodeDirectory,
  RedisNodeDirectory,
  type NodeDirectory,
  type NodeInfo,
} from './NodeDirectory.ts';
import { connectRedis } from './redis.ts';

const logger = createLogger('cluster');

export interface ClusterOptions {
  /** redis:// or rediss:// URL; '' = a single box (no Redis, everything in-process). */
  redisUrl: string;
  /** This node's id, unique in the cluster. */
  nodeId: string;
  /** Prefix of every Redis key and channel (several deployments may share one Redis). */
  keyPrefix: string;
  /** Lease lifetime: work of a dead node moves on within this. */
  leaseMs: number;
  /** Node heartbeat period; a node is declared down after ~3 missed beats. */
  heartbeatMs: number;
  /** The address other nodes' pipe transports reach this node's media on. */
  mediaAddress: string;
}

/** What a node shares with the others. The composition root passes it to whatever needs it. */
export interface Cluster {
  readonly nodeId: string;
  /** False on a single box: the bus is silent, leases are always this process's. */
  readonly clustered: boolean;
  /** Commands only (never SUBSCRIBE or blocking reads on it); undefined on a single box. */
  readonly redis: Redis | undefined;
  readonly bus: ClusterBus;
  readonly rpc: ClusterRpc;
  readonly leases: Leases;
  readonly nodes: NodeDirectory;
  /** Leaves the cluster: leases released, heartbeat removed, connections closed. Idempotent. */
  close(): Promise<void>;
}

export async function createCluster(o: ClusterOptions): Promise<Cluster> {
  const self: NodeInfo = {
    id: o.nodeId,
    url: '',
    mediaAddress: o.mediaAddress,
    startedAt: Date.now(),
    draining: false,
    load: 0,
  };
  if (o.redisUrl === '') return new LocalCluster(self);
  const redis = await connectRedis(o.redisUrl, `porchlight:${o.nodeId}`);
  let sub: Redis | undefined;
  try {
    sub = await connectRedis(o.redisUrl, `porchlight:${o.nodeId}:sub`);
    const bus = new RedisBus({ nodeId: o.nodeId, prefix: o.keyPrefix, pub: redis, sub });
    const rpc = new BusRpc(o.nodeId, bus);
    await bus.ready();
    const leases = new RedisLeases({
      redis,
      prefix: o.keyPrefix,
      nodeId: o.nodeId,
      ttlMs: o.leaseMs,
    });
    const nodes = await RedisNodeDirectory.create({
      redis,
      prefix: o.keyPrefix,
      self,
      heartbeatMs: o.heartbeatMs,
    });
    logger.info('joined the cluster', { node: o.nodeId, nodes: nodes.live().length });
    return new RedisCluster({ nodeId: o.nodeId, redis, sub, bus, rpc, leases, nodes });
  } catch (error) {
    sub?.disconnect();
    redis.disconnect();
    throw error;
  }
}

class RedisCluster implements Cluster {
  readonly nodeId: string;
  readonly clustered = true;
  readonly redis: Redis;
  readonly bus: RedisBus;
  readonly rpc: BusRpc;
  readonly leases: RedisLeases;
  readonly nodes: RedisNodeDirectory;
  readonly #sub: Redis;
  #closing: Promise<void> | undefined;

  constructor(parts: {
    nodeId: string;
    redis: Redis;
    sub: Redis;
    bus: RedisBus;
    rpc: BusRpc;
    leases: RedisLeases;
    nodes: RedisNodeDirectory;
  }) {
    this.nodeId = parts.nodeId;
    this.redis = parts.redis;
    this.#sub = parts.sub;
    this.bus = parts.bus;
    this.rpc = parts.rpc;
    this.leases = parts.leases;
    this.nodes = parts.nodes;
  }

  close(): Promise<void> {
    return (this.#closing ??= (async () => {
      this.rpc.close();
      await this.leases.close();
      await this.nodes.close();
      this.bus.close();
      this.#sub.disconnect();
      await this.redis.quit().catch(() => this.redis.disconnect());
    })());
  }
}

class LocalCluster implements Cluster {
  readonly nodeId: string;
  readonly clustered = false;
  readonly redis = undefined;
  readonly bus = new LocalBus();
  readonly rpc: BusRpc;
  readonly leases = new LocalLeases();
  readonly nodes: LocalNodeDirectory;

  constructor(self: NodeInfo) {
    this.nodeId = self.id;
    this.nodes = new LocalNodeDirectory(self);
    this.rpc = new BusRpc(self.id, this.bus);
  }

  async close(): Promise<void> {
    this.rpc.close();
  }
}
