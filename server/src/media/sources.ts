import type { Role, Source } from '@porchlight/protocol';

/**
 * Source semantics: which role publishes and watches which source. Whether a given principal may
 * do it on a given device is decided by the Authorizer (identity/authorization/), which the Room also asks.
 */
const publishable: Record<Role, ReadonlySet<Source>> = {
  camera: new Set(['camera', 'microphone']),
  viewer: new Set(['talkback']),
  // A doorbell call's room: the visitor's side shows itself, the answerer talks back.
  visitor: new Set(['camera', 'microphone']),
  callee: new Set(['callAudio', 'callVideo']),
};

const consumable: Record<Role, ReadonlySet<Source>> = {
  camera: new Set(['talkback']),
  viewer: new Set(['camera', 'microphone']),
  visitor: new Set(['callAudio', 'callVideo']),
  callee: new Set(['camera', 'microphone']),
};

const sourceKind: Record<Source, 'audio' | 'video'> = {
  camera: 'video',
  microphone: 'audio',
  talkback: 'audio',
  callAudio: 'audio',
  callVideo: 'video',
};

export function mayPublish(role: Role, source: Source, kind: 'audio' | 'video'): boolean {
  return publishable[role].has(source) && sourceKind[source] === kind;
}

export interface ProducerFacts {
  source: Source;
  ownerPeerId: string;
  targetPeerId: string | undefined;
}

/**
 * Whether the source semantics allow it (role and addressing). Permission on the device is the
 * Authorizer's question, asked by the Room on top of this.
 */
export function mayConsume(role: Role, peerId: string, producer: ProducerFacts): boolean {
  if (producer.ownerPeerId === peerId) return false;
  if (!consumable[role].has(producer.source)) return false;
  return producer.targetPeerId === undefined || producer.targetPeerId === peerId;
}
