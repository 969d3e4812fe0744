import type { ProducerInfo } from '@porchlight/protocol';

/** What a subscription follows: a source of a device, not one producer id. */
export type SourceIdentity = Pick<ProducerInfo, 'peerId' | 'label' | 'source' | 'kind'>;

export interface MatchContext {
  /** Producers other subscriptions are bound to (a label match must not steal them). */
  claimed: ReadonlySet<string>;
  /** Producers this subscription already lost; never rebind to them. */
  dead: ReadonlySet<string>;
}

/**
 * The producer that continues `identity` after its producer went away:
 * - after a media reset the device keeps its peer id and re-publishes: match on peer id;
 * - after the device reconnected it has a new peer id but the same label: match on label, but
 *   only if exactly one unclaimed producer fits, so two cameras both called "Camera" never swap.
 */
export function findReplacement(
  identity: SourceIdentity,
  candidates: Iterable<ProducerInfo>,
  context: MatchContext,
): ProducerInfo | undefined {
  const fitting = [...candidates].filter(
    (p) =>
      p.source === identity.source && p.kind === identity.kind && !context.dead.has(p.producerId),
  );
  const samePeer = fitting.find((p) => p.peerId === identity.peerId);
  if (samePeer) return samePeer;
  const sameLabel = fitting.filter(
    (p) => p.label === identity.label && !context.claimed.has(p.producerId),
  );
  return sameLabel.length === 1 ? sameLabel[0] : undefined;
}
