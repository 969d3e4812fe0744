import { useState } from 'react';
import type { CallView } from '@porchlight/protocol';
import { QuickReplies } from './QuickReplies.tsx';
import { TrackAudio } from './TrackAudio.tsx';
import { TrackVideo } from './TrackVideo.tsx';
import { UnlockButton } from './UnlockButton.tsx';
import { useCallRoom } from './useCallRoom.ts';
import { useLocalCallMedia } from './useLocalCallMedia.ts';

interface Props {
  call: CallView;
  onHangUp: () => void;
}

/** The answerer's call: the visitor's picture and voice, my microphone, controls, replies. */
export function InCall({ call, onHangUp }: Props) {
  const room = useCallRoom(call.callId, true);
  const local = useLocalCallMedia(room.client);
  const [speaker, setSpeaker] = useState(true);
  const [volume, setVolume] = useState(1);

  return (
    <section className="in-call" data-testid="in-call" data-call-id={call.callId}>
      <h1 className="in-call__door">{call.doorName}</h1>
      <div className="in-call__picture">
        {room.video ? (
          <TrackVideo track={room.video} testId="call-visitor-video" />
        ) : (
          <p className="call-overlay__waiting">Waiting for the door camera…</p>
        )}
        {local.cameraTrack && (
          <TrackVideo
            track={local.cameraTrack}
            testId="call-self-view"
            mirror
            className="door__self"
          />
        )}
      </div>
      {room.audio && (
        <TrackAudio
          track={room.audio}
          testId="call-visitor-audio"
          muted={!speaker}
          volume={volume}
        />
      )}
      {local.error && <p className="hint hint--warn">{local.error}</p>}
      <div className="call-controls">
        <button
          type="button"
          className="btn call-btn"
          aria-pressed={local.muted}
          data-testid="call-mute"
          onClick={local.toggleMute}
        >
          {local.muted ? 'Unmute' : 'Mute'}
        </button>
        <button
          type="button"
          className="btn call-btn"
          aria-pressed={local.cameraOn}
          data-testid="call-camera"
          onClick={local.toggleCamera}
        >
          {local.cameraOn ? 'Camera off' : 'Camera on'}
        </button>
        <button
          type="button"
          className="btn call-btn"
          aria-pressed={!speaker}
          data-testid="call-speaker"
          onClick={() => setSpeaker((s) => !s)}
        >
          {speaker ? 'Speaker off' : 'Speaker on'}
        </button>
        <label className="call-volume">
          Volume
          <input
            type="range"
            min={0}
            max={1}
            step={0.1}
            value={volume}
            onChange={(e) => setVolume(Number(e.target.value))}
          />
        </label>
      </div>
      {call.canUnlock && <UnlockButton callId={call.callId} />}
      <QuickReplies callId={call.callId} presets={call.quickReplies} />
      <button
        type="button"
        className="btn call-btn call-btn--decline call-hangup"
        data-testid="call-hangup"
        onClick={onHangUp}
      >
        Hang up
      </button>
    </section>
  );
}
