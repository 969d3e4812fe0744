import { useEffect, useRef } from 'react';
import { useHlsPlayer } from '../../hooks/useHlsPlayer.ts';
import { usePlaybackPosition } from '../../hooks/usePlaybackPosition.ts';
import type { PlaybackSource } from '../../recording/playback.ts';
import { PlaybackControls } from './PlaybackControls.tsx';

interface Props {
  source: PlaybackSource | null;
  /** Asking for the playlist failed, or there is nothing to play. */
  requestError: string | null;
  pending: boolean;
  /** False while the page shows another tab: playback pauses. */
  active: boolean;
  /** The wall-clock position, to the second, as it changes. */
  onPosition: (position: number | null) => void;
  /** After an error: play the same again (with fresh signed URLs). */
  onRetry: () => void;
}

/** The recording (or live HLS) video with its controls and errors. */
export function RecordingPlayer({
  source,
  requestError,
  pending,
  active,
  onPosition,
  onRetry,
}: Props) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const { hls, error } = useHlsPlayer(videoRef, source);
  const position = usePlaybackPosition(videoRef, hls, source);

  useEffect(() => onPosition(position), [onPosition, position]);
  useEffect(() => {
    if (!active) videoRef.current?.pause();
  }, [active]);

  const message = requestError ?? error;
  return (
    <div className="player">
      <div className="player__screen">
        <video
          ref={videoRef}
          className="player__video"
          data-testid="recording-video"
          data-kind={source?.kind}
          playsInline
        />
        {!source && !message && (
          <p className="player__hint">
            {pending
              ? 'Loading…'
              : 'Click the timeline to play the recording from that time, or watch the live recording.'}
          </p>
        )}
        {message && (
          <div className="player__error" role="alert" data-testid="playback-error">
            <span>{message}</span>
            {error && !requestError && (
              <button type="button" className="icon-btn" onClick={onRetry}>
                Try again
              </button>
            )}
          </div>
        )}
      </div>
      <PlaybackControls videoRef={videoRef} source={source} position={position} />
    </div>
  );
}
