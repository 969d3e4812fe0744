import { useCallback, useEffect, useRef, useState } from 'react';
import type { VisitorSession } from '@porchlight/protocol';
import { describeApiError, isCode, VisitorCallSession } from '@porchlight/sdk';
import { exposeTestHook } from '@porchlight/web-ui';
import { publicApi } from '../../auth/services.ts';
import { openVisitorMedia } from './visitorMedia.ts';

export type MessagePhase =
  | { name: 'offer' }
  | { name: 'starting' }
  /** Recording; the server stops it at `until` (unix ms, this clock) at the latest. */
  | { name: 'recording'; until: number; local: MediaStream }
  | { name: 'saving' }
  /** `seconds` null when the server had stopped it already (at its cap). */
  | { name: 'saved'; seconds: number | null }
  | { name: 'failed'; message: string };

/**
 * The visitor's video message after a missed call: opens camera and microphone, asks the server
 * to start (the call's credential), re-joins the call room and publishes; `stop` ends it, and the
 * server ends it at its cap (the room closing then says so). One message per call.
 */
export function useVisitorMessage(visitor: VisitorSession | null): {
  phase: MessagePhase;
  note: string | null;
  start: () => void;
  stop: () => void;
} {
  const [phase, setPhase] = useState<MessagePhase>({ name: 'offer' });
  const [note, setNote] = useState<string | null>(null);
  const session = useRef<VisitorCallSession | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const stopping = useRef(false);
  const cap = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const release = useCallback(() => {
    clearTimeout(cap.current);
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
    session.current?.close();
    session.current = null;
  }, []);
  useEffect(() => release, [release]);
  useEffect(() => setPhase({ name: 'offer' }), [visitor]);

  const stop = useCallback(() => {
    if (!visitor || stopping.current) return;
    stopping.current = true;
    setPhase({ name: 'saving' });
    const api = publicApi.withToken(() => visitor.credential);
    void api
      .stopVisitorMessage()
      .then(
        ({ durationSeconds }) => setPhase({ name: 'saved', seconds: durationSeconds }),
        // Already stopped by the server (its cap, a beat earlier): the message was kept.
        (error: unknown) =>
          setPhase(
            isCode(error, 'CONFLICT')
              ? { name: 'saved', seconds: null }
              : { name: 'failed', message: describeApiError(error) },
          ),
      )
      .finally(release);
  }, [visitor, release]);

  const start = useCallback(() => {
    if (!visitor || session.current || stopping.current) return;
    setPhase({ name: 'starting' });
    void (async () => {
      const media = await openVisitorMedia();
      setNote(media.note);
      if (!media.stream) {
        setPhase({ name: 'failed', message: 'A message needs a camera or a microphone.' });
        return;
      }
      stream.current = media.stream;
      try {
        const api = publicApi.withToken(() => visitor.credential);
        const { maxSeconds } = await api.startVisitorMessage();
        const until = Date.now() + maxSeconds * 1000;
        const s = await VisitorCallSession.start(visitor, publicApi);
        session.current = s;
        exposeTestHook('callClient', s.client);
        const [video] = media.stream.getVideoTracks();
        const [audio] = media.stream.getAudioTracks();
        if (video) await s.publish(video, 'camera');
        if (audio) await s.publish(audio, 'microphone');
        setPhase({ name: 'recording', until, local: media.stream });
        // The server stops at its cap too; stopping here says so on the page at the same time.
        cap.current = setTimeout(stop, Math.max(0, until - Date.now()));
      } catch (error) {
        release();
        setPhase({ name: 'failed', message: describeApiError(error) });
      }
    })();
  }, [visitor, release, stop]);

  return { phase, note, start, stop };
}
