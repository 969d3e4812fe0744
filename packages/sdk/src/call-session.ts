import type { CallOutcome, VisitorCall, VisitorSession } from '@porchlight/protocol';
import type { PorchlightApi } from './api.ts';
import { PorchlightClient } from './client.ts';
import { TypedEmitter } from '@porchlight/emitter';
import type { ClientOptions } from './options.ts';
import type { Publication } from './publication.ts';

/** Events of a {@link VisitorCallSession}. */
export type VisitorCallEvents = {
  /** Somebody answered (their audio follows as a `remoteTrack`). */
  answered: [name: string];
  /** The call is over; the session has closed itself. */
  ended: [outcome: CallOutcome, reason: string];
  /** A text from the answerer, to show and speak. */
  quickReply: [text: string, sentAt: number, replyId: string];
  /** The answerer's audio (`callAudio`) or video (`callVideo`, when they turn it on). */
  remoteTrack: [source: 'callAudio' | 'callVideo', track: MediaStreamTrack];
};

/**
 * The visitor's side of one doorbell call, for a door page or a doorbell screen: the call room
 * client (visitor credential), the answerer's media as tracks, the call's notifications as events,
 * the snapshot and hang-up. Start it with what `ringDoor`/`ringOwnDoor` returned.
 */
export class VisitorCallSession extends TypedEmitter<VisitorCallEvents> {
  readonly client: PorchlightClient;
  /** The REST client acting with the visitor credential (visitor routes only). */
  readonly api: PorchlightApi;
  readonly callId: string;
  #closed = false;

  private constructor(session: VisitorSession, api: PorchlightApi, options: ClientOptions) {
    super();
    this.callId = session.call.callId;
    this.api = api.withToken(() => session.credential);
    this.client = new PorchlightClient({
      ...options,
      token: session.credential,
      callId: session.call.callId,
    });
    this.client.on('call', (n) => {
      if (n.name === 'callAnswered') this.safeEmit('answered', n.payload.answeredBy.name);
      else if (n.name === 'quickReply')
        this.safeEmit('quickReply', n.payload.text, n.payload.sentAt, n.payload.replyId);
      else if (n.name === 'callEnded') {
        this.safeEmit('ended', n.payload.outcome, n.payload.reason);
        this.close();
      }
    });
    // The answerer's media plays as soon as it is announced.
    this.client.on('producerAdded', (p) => {
      if (p.source === 'callAudio' || p.source === 'callVideo')
        this.client.watch(p.producerId).catch(() => undefined);
    });
    this.client.on('remoteTrack', (sub, track) => {
      if (sub.source === 'callAudio' || sub.source === 'callVideo')
        this.safeEmit('remoteTrack', sub.source, track);
    });
  }

  /**
   * Joins the call's media room. `options` are the client options without token and call (url,
   * device, socketOptions...).
   */
  static async start(
    session: VisitorSession,
    api: PorchlightApi,
    options: Omit<ClientOptions, 'token' | 'callId'> = {},
  ): Promise<VisitorCallSession> {
    const s = new VisitorCallSession(session, api, options as ClientOptions);
    try {
      await s.client.connect();
    } catch (error) {
      s.close();
      throw error;
    }
    return s;
  }

  /** Shows the visitor: their camera (`camera`) or microphone (`microphone`). */
  publish(track: MediaStreamTrack, source: 'camera' | 'microphone'): Promise<Publication> {
    return this.client.publish(track, {
      source,
      ...(source === 'camera' ? { simulcast: false } : {}),
    });
  }

  /** The visitor's JPEG (base64) for the homeowners' notification (once per call). */
  async uploadSnapshot(jpegBase64: string): Promise<string> {
    return (await this.api.uploadCallSnapshot(jpegBase64)).snapshotUrl;
  }

  /** A quick reply of this call spoken by the server (audio/wav), for screens without voices. */
  replySpeech(replyId: string): Promise<Blob> {
    return this.api.getReplySpeech(replyId);
  }

  /** The call as it stands. */
  status(): Promise<VisitorCall> {
    return this.api.getVisitorCall();
  }

  /** Leaves the call (cancels it while ringing) and closes the session. */
  async hangUp(): Promise<VisitorCall> {
    try {
      return await this.api.visitorHangUp();
    } finally {
      this.close();
    }
  }

  /** Hangs up locally and releases media. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.client.close();
  }
}
