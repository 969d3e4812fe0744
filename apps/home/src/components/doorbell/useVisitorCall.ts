import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallOutcome, VisitorSession } from '@porchlight/protocol';
import {
  ApiError,
  describeApiError,
  isCode,
  VisitorCallSession,
  type PorchlightClient,
} from '@porchlight/sdk';
import { exposeTestHook } from '@porchlight/web-ui';
import { publicApi } from '../../auth/services.ts';
import { shareVisitorMedia } from './shareVisitorMedia.ts';
import { speak, stopSpeaking } from './speak.ts';
import { openVisitorMedia } from './visitorMedia.ts';

declare global {
  interface PorchlightTestHooks {
    /** The doorbell call room's client of this page (visitor or answerer): tests read its stats. */
    callClient?: PorchlightClient;
  }
}

export type VisitorPhase =
  | { name: 'idle' }
  | { name: 'starting' }
  | { name: 'ringing' }
  | { name: 'answered'; by: string }
  | { name: 'ended'; outcome: CallOutcome }
  /** 429: ring again once `until` (unix ms) has passed. */
  | { name: 'wait'; until: number }
  /** 409 do-not-disturb, or any other refusal / failure. */
  | { name: 'refused'; message: string };

export interface VisitorCallState {
  phase: VisitorPhase;
  /** Camera/microphone caveat ("the household will not see or hear you"). */
  mediaNote: string | null;
  /** The visitor's own camera, for a small self view. */
  local: MediaStream | null;
  remoteAudio: MediaStreamTrack | null;
  remoteVideo: MediaStreamTrack | null;
  /** The last quick reply, shown big. */
  reply: string | null;
  /** After a missed call: the call's credential, with which the visitor may leave a message. */
  missed: VisitorSession | null;
}

const INITIAL: VisitorCallState = {
  phase: { name: 'idle' },
  mediaNote: null,
  local: null,
  remoteAudio: null,
  remoteVideo: null,
  reply: null,
  missed: null,
};

/** The call is over: its outcome, and no media any more. */
function ended(outcome: CallOutcome, visitor: VisitorSession | null): Partial<VisitorCallState> {
  return {
    phase: { name: 'ended', outcome },
    local: null,
    remoteAudio: null,
    remoteVideo: null,
    missed: outcome === 'missed' ? visitor : null,
  };
}

function refusal(error: unknown): VisitorPhase {
  if (isCode(error, 'RATE_LIMITED')) {
    const seconds = (error instanceof ApiError ? error.retryAfterSeconds : undefined) ?? 30;
    return { name: 'wait', until: Date.now() + seconds * 1000 };
  }
  return { name: 'refused', message: describeApiError(error) };
}

/**
 * The visitor's side of a ring, for the door page and the doorbell screen: opens camera and
 * microphone (degrading), rings with `ring`, joins the call room, publishes, uploads a snapshot,
 * and follows the call until it ends. `hangUp` leaves; unmounting leaves too.
 */
export function useVisitorCall(ring: () => Promise<VisitorSession>): {
  state: VisitorCallState;
  start: () => void;
  hangUp: () => void;
} {
  const [state, setState] = useState<VisitorCallState>(INITIAL);
  const session = useRef<VisitorCallSession | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const busy = useRef(false);
  const visitorRef = useRef<VisitorSession | null>(null);

  const release = useCallback(() => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
    session.current?.close();
    session.current = null;
    busy.current = false;
  }, []);

  useEffect(
    () => () => {
      // Leaving the page leaves the call (cancels it while it rings).
      session.current?.hangUp().catch(() => undefined);
      release();
      stopSpeaking();
    },
    [release],
  );

  const patch = (p: Partial<VisitorCallState>): void => setState((s) => ({ ...s, ...p }));

  const start = useCallback(() => {
    if (busy.current) return;
    busy.current = true;
    setState({ ...INITIAL, phase: { name: 'starting' } });
    void (async () => {
      const media = await openVisitorMedia();
      stream.current = media.stream;
      patch({ mediaNote: media.note, local: media.stream });
      let visitor: VisitorSession;
      try {
        visitor = await ring();
        visitorRef.current = visitor;
      } catch (error) {
        release();
        patch({ phase: refusal(error), local: null });
        return;
      }
      let s: VisitorCallSession;
      try {
        s = await VisitorCallSession.start(visitor, publicApi);
      } catch (error) {
        await publicApi
          .withToken(() => visitor.credential)
          .visitorHangUp()
          .catch(() => undefined);
        release();
        patch({ phase: { name: 'refused', message: describeApiError(error) }, local: null });
        return;
      }
      session.current = s;
      exposeTestHook('callClient', s.client);
      patch({ phase: { name: 'ringing' } });
      s.on('answered', (by) => patch({ phase: { name: 'answered', by } }));
      s.on('quickReply', (text, _sentAt, replyId) => {
        patch({ reply: text });
        void speak(text, () => s.replySpeech(replyId));
      });
      s.on('remoteTrack', (source, track) =>
        patch(source === 'callAudio' ? { remoteAudio: track } : { remoteVideo: track }),
      );
      s.on('ended', (outcome) => {
        release();
        patch(ended(outcome, visitorRef.current));
      });
      await shareVisitorMedia(s, media.stream, () => session.current === s);
      // An answer (or the end) that came while joining was announced before we listened.
      if (session.current === s) {
        const call = await s.status().catch(() => null);
        if (session.current !== s || !call) return;
        if (call.state === 'answered' && call.answeredByName)
          patch({ phase: { name: 'answered', by: call.answeredByName } });
        else if (call.state === 'ended') {
          release();
          patch(ended(call.outcome ?? 'cancelled', visitorRef.current));
        }
      }
    })();
  }, [ring, release]);

  const hangUp = useCallback(() => {
    const s = session.current;
    if (!s) return;
    void s.hangUp().then(
      (call) => {
        release();
        patch(ended(call.outcome ?? 'cancelled', visitorRef.current));
      },
      () => {
        release();
        patch(ended('cancelled', null));
      },
    );
  }, [release]);

  return { state, start, hangUp };
}
