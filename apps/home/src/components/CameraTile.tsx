import { useRef } from 'react';
import type { Feed } from '../store/index.ts';
import { useStore } from '../store/index.ts';
import { usePreferredLayer } from '../hooks/usePreferredLayer.ts';
import { LiveVideo } from './LiveVideo.tsx';
import { PttButton } from './PttButton.tsx';
import { RemoteAudio } from './RemoteAudio.tsx';

interface Props {
  video: Feed;
  audio: Feed | undefined;
  focused: boolean;
  hidden: boolean;
  /** Enlarges this camera, or goes back to the grid when it is. */
  onToggleFocus: () => void;
  /** Opens this camera's recordings; absent when this viewer may not watch them. */
  onOpenTimeline?: () => void;
}

/**
 * One camera in the live-view grid: video, its sound (muted by default), and the controls this
 * viewer may use (push-to-talk, recordings), as the server announced them (`allowed`).
 */
export function CameraTile({
  video,
  audio,
  focused,
  hidden,
  onToggleFocus,
  onOpenTimeline,
}: Props) {
  const ref = useRef<HTMLElement>(null);
  usePreferredLayer(ref, video.subscription, video.layers);
  const unmuted = useStore((s) => s.unmuted[video.id] === true);
  const toggleMuted = useStore((s) => s.toggleMuted);
  const mayTalk = video.allowed.includes('stream:talk');

  const classes = ['tile', focused && 'tile--focused', hidden && 'tile--hidden']
    .filter(Boolean)
    .join(' ');
  return (
    <article
      ref={ref}
      className={classes}
      data-peer-id={video.peerId}
      data-device-id={video.deviceId ?? undefined}
      data-testid="camera-tile"
      onClick={onToggleFocus}
    >
      <LiveVideo feed={video} />
      {audio && <RemoteAudio feed={audio} muted={!unmuted} testId="camera-audio" />}
      {video.state === 'waiting' && <span className="tile__overlay">Reconnecting…</span>}
      <div className="tile__bar" onClick={(event) => event.stopPropagation()}>
        {/* The full name stays reachable when a narrow tile ellipsizes it. */}
        <span className="tile__label" data-testid="tile-label" title={video.label}>
          {video.label}
        </span>
        <button
          type="button"
          className="icon-btn"
          aria-pressed={unmuted}
          disabled={!audio}
          onClick={() => toggleMuted(video.id)}
        >
          {unmuted ? 'Mute' : 'Unmute'}
        </button>
        {onOpenTimeline && (
          <button
            type="button"
            className="icon-btn"
            data-testid="open-timeline"
            onClick={onOpenTimeline}
          >
            Recordings
          </button>
        )}
        {mayTalk && <PttButton peerId={video.peerId} label={video.label} />}
      </div>
    </article>
  );
}
