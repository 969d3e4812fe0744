import type { CallView } from '@porchlight/protocol';
import { TrackVideo } from './TrackVideo.tsx';
import { useCallRoom } from './useCallRoom.ts';

interface Props {
  call: CallView;
  onAnswer: () => void;
  onDecline: () => void;
  busy?: boolean;
}

/** Full screen while a door rings: who, the visitor's live picture, Answer and Decline. */
export function IncomingCallOverlay({ call, onAnswer, onDecline, busy = false }: Props) {
  const room = useCallRoom(call.callId);
  return (
    <div
      className="call-overlay"
      role="alertdialog"
      aria-labelledby="incoming-call-title"
      data-testid="incoming-call"
      data-call-id={call.callId}
    >
      <p className="call-overlay__kicker">Someone is at the door</p>
      <h1 id="incoming-call-title" className="call-overlay__door" data-testid="incoming-door">
        {call.doorName}
      </h1>
      <div className="call-overlay__picture">
        {room.video ? (
          <TrackVideo track={room.video} testId="incoming-preview" />
        ) : call.snapshotUrl ? (
          <img
            src={call.snapshotUrl}
            alt={`Visitor at ${call.doorName}`}
            data-testid="incoming-snapshot"
          />
        ) : (
          <p className="call-overlay__waiting">Connecting to the door camera…</p>
        )}
      </div>
      <div className="call-actions">
        <button
          type="button"
          className="btn call-btn call-btn--decline"
          data-testid="incoming-decline"
          disabled={busy}
          onClick={onDecline}
        >
          Decline
        </button>
        <button
          type="button"
          className="btn call-btn call-btn--answer"
          data-testid="incoming-answer"
          disabled={busy}
          onClick={onAnswer}
        >
          Answer
        </button>
      </div>
    </div>
  );
}
