import type { Principal } from '../identity/authorization/Principal.ts';
import type { CallRoomGuard } from '../media/callPolicy.ts';

/** Where and as what a principal enters a doorbell call's media room. */
export interface CallJoin {
  siteId: string;
  role: 'visitor' | 'callee';
  guard: CallRoomGuard;
}

/**
 * What signaling asks the doorbell module (wired by the composition root): may `principal` enter
 * the room of `callId`? Throws FORBIDDEN (not its call, may not answer the door) or CONFLICT (the
 * call has ended).
 */
export interface CallJoinPort {
  join(principal: Principal, callId: string): Promise<CallJoin>;
}
