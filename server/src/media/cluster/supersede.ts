import type { ProducerView } from '../Peer.ts';
import type { RemoteProducer } from '../remoteMedia.ts';

/** A producer with the time it was published (ms). */
export interface Published {
  readonly producer: ProducerView;
  readonly publishedAt: number;
}

/** The device stream a producer carries (one device's source and kind); none without a device. */
function streamOf(p: ProducerView): string | undefined {
  const { deviceId, source } = p.appData;
  return deviceId === undefined ? undefined : `${deviceId}\n${source}\n${p.kind}`;
}

/**
 * A device sends each of its streams once: when it reconnects (its node was killed, or its old
 * connection is still half-open somewhere), the producer it publishes anew is current and the
 * older ones are stale copies that would otherwise be listed until their node is declared down
 * (up to a few heartbeats) or their socket times out. Returns the remote producers `current`
 * supersedes: same device stream, published strictly earlier. Nodes' clocks are compared, so
 * skew between them only matters for reconnects closer together than the skew.
 */
export function supersededBy(
  current: Published,
  remotes: readonly RemoteProducer[],
): RemoteProducer[] {
  const stream = streamOf(current.producer);
  if (stream === undefined) return [];
  return remotes.filter(
    (r) =>
      r.id !== current.producer.id && streamOf(r) === stream && r.publishedAt < current.publishedAt,
  );
}

/** Whether a newer producer of the same device stream (local or remote) supersedes `remote`. */
export function isSuperseded(remote: RemoteProducer, others: readonly Published[]): boolean {
  return others.some((o) => supersededBy(o, [remote]).length > 0);
}
