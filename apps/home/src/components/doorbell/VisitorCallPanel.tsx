import { TrackAudio } from '../call/TrackAudio.tsx';
import { TrackVideo } from '../call/TrackVideo.tsx';
import { LeaveMessage } from './LeaveMessage.tsx';
import { visitorOutcomeText } from './outcomeText.ts';
import { useCountdown } from './useCountdown.ts';
import type { VisitorCallState } from './useVisitorCall.ts';

interface Props {
  doorName: string;
  state: VisitorCallState;
  onRing: () => void;
  onHangUp: () => void;
}

/** The door screen: a big Ring button, then the call as it goes (shared by link and device). */
export function VisitorCallPanel({ doorName, state, onRing, onHangUp }: Props) {
  const { phase } = state;
  const wait = useCountdown(phase.name === 'wait' ? phase.until : null);
  const inCall = phase.name === 'ringing' || phase.name === 'answered';
  const canRing = phase.name !== 'starting' && !inCall && wait === 0;
  const [localVideo] = state.local?.getVideoTracks() ?? [];

  let status: string | null = null;
  if (phase.name === 'starting') status = 'Starting…';
  else if (phase.name === 'ringing') status = 'Ringing…';
  else if (phase.name === 'answered') status = `Answered — talking to ${phase.by}`;
  else if (phase.name === 'ended') status = visitorOutcomeText(phase.outcome);
  else if (phase.name === 'wait' && wait > 0)
    status = `Please wait ${wait} s before ringing again.`;
  else if (phase.name === 'refused') status = phase.message;

  return (
    <section className="door" data-testid="door-panel" data-phase={phase.name}>
      <h1 className="door__name" data-testid="door-name">
        {doorName}
      </h1>
      {status && (
        <p className="door__status" data-testid="door-status" role="status">
          {status}
        </p>
      )}
      {state.reply && inCall && (
        <p className="door__reply" data-testid="door-reply" aria-live="assertive">
          {state.reply}
        </p>
      )}
      {phase.name === 'idle' && (
        <p className="door__hint">
          Tap Ring to call the household. They will see and hear you once you ring.
        </p>
      )}
      {state.mediaNote && (
        <p className="door__note" data-testid="door-media-note">
          {state.mediaNote}
        </p>
      )}
      {inCall && (state.remoteVideo || localVideo) && (
        <div className="door__media">
          {state.remoteVideo ? (
            <>
              <TrackVideo track={state.remoteVideo} testId="door-remote-video" />
              {localVideo && (
                <TrackVideo
                  track={localVideo}
                  testId="door-self-view"
                  mirror
                  className="door__self"
                />
              )}
            </>
          ) : (
            // Until the household shows itself: the visitor sees what they send.
            localVideo && <TrackVideo track={localVideo} testId="door-self-view" mirror />
          )}
        </div>
      )}
      {state.remoteAudio && inCall && (
        <TrackAudio track={state.remoteAudio} testId="door-remote-audio" />
      )}
      {phase.name === 'ended' && state.missed && <LeaveMessage visitor={state.missed} />}
      {inCall ? (
        <button
          type="button"
          className="btn door__hangup"
          data-testid="door-hangup"
          onClick={onHangUp}
        >
          Hang up
        </button>
      ) : (
        <button
          type="button"
          className="btn door__ring"
          data-testid="door-ring"
          disabled={!canRing}
          onClick={onRing}
        >
          {phase.name === 'ended' ? 'Ring again' : 'Ring'}
        </button>
      )}
    </section>
  );
}
