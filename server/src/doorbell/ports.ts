import type { AnsweredBy, CallView, NotificationMap } from '@porchlight/protocol';

/** Notifications to homeowners' sockets (every open socket of the accounts). */
export type HomeNotification = 'callRinging' | 'callUpdated';
/** Notifications to the visitor's sockets of one call. */
export type VisitorNotification = 'callAnswered' | 'callEnded' | 'quickReply';

/**
 * How the call module reaches sockets; implemented by the signaling server and wired by the
 * composition root, so the doorbell never imports signaling.
 */
export interface CallNotifier {
  toAccounts<K extends HomeNotification>(
    accountIds: readonly string[],
    name: K,
    payload: NotificationMap[K],
  ): void;
  toVisitor<K extends VisitorNotification>(
    callId: string,
    name: K,
    payload: NotificationMap[K],
  ): void;
}

/** Closes a call's media room (its peers leave, their sockets are told by the room). */
export interface CallRoomCloser {
  closeCallRoom(callId: string): void;
}

/**
 * The CallService's typed events, for the push module (wired by the composition root). Listeners
 * that follow the shared design's signatures may ignore the trailing recipient lists.
 */
export type CallServiceEvents = {
  ringing: [call: CallView, recipientAccountIds: string[]];
  snapshot: [call: CallView, signedImageUrl: string, recipientAccountIds: string[]];
  answered: [call: CallView, answeredBy: AnsweredBy, recipientAccountIds: string[]];
  ended: [call: CallView, recipientAccountIds: string[]];
  message: [call: CallView, playUrl: string, recipientAccountIds: string[]];
};

/** Records a visitor's message from the call's room (implemented by the recording module). */
export interface MessageRecorderPort {
  start(o: {
    callId: string;
    siteId: string;
    doorId: string;
    retentionMaxAgeSeconds: number | null;
    /** The visitor left the room (its socket closed): the message ends. */
    onLeave: () => void;
  }): Promise<{
    streamKey: string;
    stop(): Promise<{ durationMs: number; from: number; to: number }>;
  }>;
}
