import type { Role, Source } from '@porchlight/protocol';

/**
 * Media policy of the minimum identity model: which role may publish and watch which source.
 * (The full per-resource policy model replaces this table, behind the same two functions.)
 */
const publishable: Record<Role, ReadonlySet<Source>> = {
  camera: new Set(['camera', 'microphone']),
  viewer: new Set(['talkback']),
};

const consumable: Record<Role, ReadonlySet<Source>> = {
  camera: new Set(['talkback']),
  viewer: new Set(['camera', 'microphone']),
};

const sourceKind: Record<Source, 'audio' | 'video'> = {
  camera: 'video',
  microphone: 'audio',
  talkback: 'audio',
};

export function mayPublish(role: Role, source: Source, kind: 'audio' | 'video'): boolean {
  return publishable[role].has(source) && sourceKind[source] === kind;
}

export interface ProducerFacts {
  source: Source;
  ownerPeerId: string;
  targetPeerId: string | undefined;
}

export function mayConsume(role: Role, peerId: string, producer: ProducerFacts): boolean {
  if (producer.ownerPeerId === peerId) return false;
  if (!consumable[role].has(producer.source)) return false;
  return producer.targetPeerId === undefined || producer.targetPeerId === peerId;
}
