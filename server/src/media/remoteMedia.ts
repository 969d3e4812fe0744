import type { types } from 'mediasoup';
import type { ProducerView } from './Peer.ts';

/** A producer of this site published on another node (from the cluster's producer directory). */
export interface RemoteProducer extends ProducerView {
  /** The node whose router holds the original producer (and its recorder). */
  readonly nodeId: string;
  /** When the origin published it (its clock, ms; 0 if unknown). */
  readonly publishedAt: number;
}

/**
 * How a room gets a remote producer's media into its own router: a pipe producer with the same id,
 * shared by every consumer on this node. `acquire` counts one user; each user calls `release` once.
 */
export interface RemoteMediaPort {
  acquire(router: types.Router, siteId: string, producer: RemoteProducer): Promise<void>;
  release(router: types.Router, producerId: string): void;
}
