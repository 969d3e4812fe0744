import type { VisitorSession } from '@porchlight/protocol';
import { TrackVideo } from '../call/TrackVideo.tsx';
import { useCountdown } from './useCountdown.ts';
import { useVisitorMessage } from './useVisitorMessage.ts';

/** After a missed call: "Leave a video message", recording with a countdown, then "Message sent". */
export function LeaveMessage({ visitor }: { visitor: VisitorSession }) {
  const { phase, note, start, stop } = useVisitorMessage(visitor);
  const left = useCountdown(phase.name === 'recording' ? phase.until : null);
  const [video] = phase.name === 'recording' ? phase.local.getVideoTracks() : [];

  return (
    <div className="door__message" data-testid="door-message" data-phase={phase.name}>
      {phase.name === 'offer' && (
        <button
          type="button"
          className="btn door__leave"
          data-testid="door-message-start"
          onClick={start}
        >
          Leave a video message
        </button>
      )}
      {phase.name === 'starting' && <p className="door__status">Starting the camera…</p>}
      {phase.name === 'recording' && (
        <>
          <p className="door__status" role="status" data-testid="door-message-recording">
            <span className="door__rec" aria-hidden="true" /> Recording — {left} s left
          </p>
          {video && (
            <div className="door__media">
              <TrackVideo track={video} testId="door-message-self" mirror />
            </div>
          )}
          <button
            type="button"
            className="btn door__hangup"
            data-testid="door-message-stop"
            onClick={stop}
          >
            Stop and send
          </button>
        </>
      )}
      {phase.name === 'saving' && <p className="door__status">Sending…</p>}
      {phase.name === 'saved' && (
        <p className="door__status" role="status" data-testid="door-message-saved">
          Message sent{phase.seconds !== null ? ` (${Math.round(phase.seconds)} s)` : ''}. The
          household will see it.
        </p>
      )}
      {phase.name === 'failed' && (
        <p className="door__note" role="alert" data-testid="door-message-error">
          {phase.message}
        </p>
      )}
      {note && phase.name !== 'offer' && <p className="door__note">{note}</p>}
    </div>
  );
}
