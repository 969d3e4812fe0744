import type {
  CallPage,
  ConfigureUnlock,
  UnlockConfigured,
  CallView,
  Door,
  DoorPublic,
  DoorTokenInfo,
  UnlockResult,
  UpdateDoor,
  VisitorCall,
  VisitorSession,
} from '@porchlight/protocol';
import { RecordingApi } from './api-recording.ts';

/**
 * The doorbell calls of {@link PorchlightApi}: doors and door tokens (owners), the homeowner's
 * call actions, and the visitor's side. Visitor methods (`getVisitorCall`, `uploadCallSnapshot`,
 * `visitorHangUp`, the message methods) need an api whose token is the visitor credential `ringDoor` returned:
 * `api.withToken(() => session.credential)`.
 */
export abstract class CallsApi extends RecordingApi {
  // ---- doors (homeowners) -------------------------------------------------------------------

  /** A site's doors (doorbells) and their settings. */
  listDoors(siteId: string): Promise<Door[]> {
    return this.call('listDoors', { params: { siteId } });
  }

  /** One door and its settings. */
  getDoor(siteId: string, doorId: string): Promise<Door> {
    return this.call('getDoor', { params: { siteId, doorId } });
  }

  /** Owners only. `unlock: null` removes the webhook; its secret is never read back. */
  updateDoor(siteId: string, doorId: string, patch: UpdateDoor): Promise<Door> {
    return this.call('updateDoor', { params: { siteId, doorId }, body: patch });
  }

  /**
   * Owners only: sets the unlock webhook URL. A new webhook (or `rotateSecret`) gets a fresh HMAC
   * key in `secret`, shown this once; otherwise `secret` is null and the key stays.
   */
  configureDoorUnlock(
    siteId: string,
    doorId: string,
    body: ConfigureUnlock,
  ): Promise<UnlockConfigured> {
    return this.call('configureDoorUnlock', { params: { siteId, doorId }, body });
  }

  /** Owners only: a signed `event: "test"` request to the door's unlock webhook. */
  testDoorUnlock(siteId: string, doorId: string): Promise<UnlockResult> {
    return this.call('testDoorUnlock', { params: { siteId, doorId }, body: {} });
  }

  /** A door's visitor links (door tokens), without their secrets. */
  listDoorTokens(siteId: string, doorId: string): Promise<DoorTokenInfo[]> {
    return this.call('listDoorTokens', { params: { siteId, doorId } });
  }

  /** A new visitor link for a door; the token is in the answer only, this once. */
  createDoorToken(siteId: string, doorId: string, label?: string): Promise<DoorTokenInfo> {
    const body = label !== undefined ? { label } : {};
    return this.call('createDoorToken', { params: { siteId, doorId }, body });
  }

  /** Revokes every token of the door (printed QR codes stop at once) and returns a new one. */
  rotateDoorTokens(siteId: string, doorId: string, label?: string): Promise<DoorTokenInfo> {
    const body = label !== undefined ? { label } : {};
    return this.call('rotateDoorTokens', { params: { siteId, doorId }, body });
  }

  /** Revokes a visitor link: it can no longer ring. */
  revokeDoorToken(siteId: string, doorId: string, tokenId: string): Promise<void> {
    return this.call('revokeDoorToken', { params: { siteId, doorId, tokenId } });
  }

  // ---- calls (homeowners) -------------------------------------------------------------------

  /** A door's history, newest first; pass the page's `nextBefore` for the next one. */
  listCalls(
    siteId: string,
    doorId: string,
    page: { before?: number; limit?: number } = {},
  ): Promise<CallPage> {
    const query = {
      ...(page.before !== undefined ? { before: page.before } : {}),
      ...(page.limit !== undefined ? { limit: page.limit } : {}),
    };
    return this.call('listCalls', { params: { siteId, doorId }, query });
  }

  /** Calls ringing or in progress the caller may answer. */
  listActiveCalls(): Promise<CallView[]> {
    return this.call('listActiveCalls');
  }

  /** One doorbell call. */
  getCall(callId: string): Promise<CallView> {
    return this.call('getCall', { params: { callId } });
  }

  /** CONFLICT "answered elsewhere" when another device was first. */
  answerCall(callId: string, deviceLabel: string): Promise<CallView> {
    return this.call('answerCall', { params: { callId }, body: { deviceLabel } });
  }

  /** Declines a ringing call for everyone. */
  declineCall(callId: string): Promise<CallView> {
    return this.call('declineCall', { params: { callId }, body: {} });
  }

  /** Ends an answered call. */
  hangUpCall(callId: string): Promise<CallView> {
    return this.call('hangUpCall', { params: { callId }, body: {} });
  }

  /** Shows (and speaks) a text on the door's screen: a preset or custom quick reply. */
  sendQuickReply(callId: string, text: string): Promise<{ sentAt: number }> {
    return this.call('sendQuickReply', { params: { callId }, body: { text } });
  }

  /** Opens the door during a call: an HMAC-signed POST to the door's unlock webhook. */
  unlockDoor(callId: string): Promise<UnlockResult> {
    return this.call('unlockDoor', { params: { callId }, body: {} });
  }

  // ---- visitor ------------------------------------------------------------------------------

  /** The door behind a door token (no login). */
  getDoorByToken(doorToken: string): Promise<DoorPublic> {
    return this.call('getDoorByToken', { body: { doorToken }, auth: false });
  }

  /** Rings the door (no login): RATE_LIMITED (429) when rung too often. */
  ringDoor(doorToken: string): Promise<VisitorSession> {
    return this.call('ringDoor', { body: { doorToken }, auth: false });
  }

  /** The doorbell device rings its own door (device token). */
  ringOwnDoor(siteId: string, doorId: string): Promise<VisitorSession> {
    return this.call('ringOwnDoor', { params: { siteId, doorId }, body: {} });
  }

  /** The visitor's own call (visitor credential). */
  getVisitorCall(): Promise<VisitorCall> {
    return this.call('getVisitorCall');
  }

  /** `jpeg`: base64 of a JPEG of at most 200 kB. */
  uploadCallSnapshot(jpeg: string): Promise<{ snapshotUrl: string }> {
    return this.call('uploadCallSnapshot', { body: { jpeg } });
  }

  /** The visitor ends the call. */
  visitorHangUp(): Promise<VisitorCall> {
    return this.call('visitorHangUp', { body: {} });
  }

  /**
   * After a missed call: starts the visitor's video message (CONFLICT for any other outcome or a
   * second message). Then join the call room (`callId`) and publish camera and microphone; the
   * server stops at `maxSeconds`, when the visitor leaves the room, or on `stopVisitorMessage`.
   */
  startVisitorMessage(): Promise<{ startedAt: number; maxSeconds: number }> {
    return this.call('startVisitorMessage', { body: {} });
  }

  /** Ends the visitor's voice message; answers its length. */
  stopVisitorMessage(): Promise<{ durationSeconds: number }> {
    return this.call('stopVisitorMessage', { body: {} });
  }

  /** A quick reply of the visitor's call as speech (audio/wav); UNAVAILABLE (503) without TTS. */
  getReplySpeech(replyId: string): Promise<Blob> {
    return this.callBinary('getReplySpeech', { params: { replyId } });
  }
}
