import type { Source } from '@porchlight/protocol';
import { deviceResource } from '../identity/authorization/resources.ts';
import { PorchlightError } from '../errors.ts';
import type { Peer, ProducerView } from './Peer.ts';
import { factsOf } from './mediaInfo.ts';
import { mayConsume } from './sources.ts';

/**
 * What makes a Room a doorbell call's room: the call, its door, and who may talk (the answerer).
 * A call room holds only the visitor's side and homeowners: no household stream is ever in it.
 */
export interface CallRoomGuard {
  callId: string;
  doorId: string;
  /** Whether this account answered the call (and so may publish callAudio/callVideo). */
  mayTalk(accountId: string | undefined): boolean;
}

/**
 * Consume rule of a call room: the source semantics (visitor <-> callee), and `call:answer` on the
 * door for homeowners (a ringing one may preview), `call:ring` on the door for the visitor.
 */
export function callConsumeAllowed(
  siteId: string,
  guard: CallRoomGuard,
  peer: Peer,
  producer: ProducerView,
): boolean {
  if (!mayConsume(peer.role, peer.id, factsOf(producer))) return false;
  const door = deviceResource(siteId, guard.doorId);
  if (peer.role === 'callee') return peer.can('call:answer', door);
  if (peer.role === 'visitor') return peer.can('call:ring', door);
  return false;
}

/**
 * Why `peer` may not publish `source` in a call room, or undefined: the visitor's side shows
 * itself (`call:ring` on the door); only the answerer talks back (and shows video when on).
 */
export function callPublishDenial(
  siteId: string,
  guard: CallRoomGuard,
  peer: Peer,
  source: Source,
): PorchlightError | undefined {
  const door = deviceResource(siteId, guard.doorId);
  if (peer.role === 'visitor') {
    return peer.can('call:ring', door)
      ? undefined
      : PorchlightError.forbidden('not allowed to publish');
  }
  if (peer.role === 'callee' && (source === 'callAudio' || source === 'callVideo')) {
    if (!peer.can('call:answer', door)) return PorchlightError.forbidden('not allowed to publish');
    return guard.mayTalk(peer.accountId)
      ? undefined
      : PorchlightError.forbidden('answer the call before talking');
  }
  return PorchlightError.forbidden('not allowed to publish');
}
