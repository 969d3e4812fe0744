import { useEffect, useState, type RefObject } from 'react';
import { formatInstant } from '@porchlight/web-ui';
import { SPEEDS, type PlaybackSource } from '../../recording/playback.ts';

interface Props {
  videoRef: RefObject<HTMLVideoElement | null>;
  source: PlaybackSource | null;
  /** Wall-clock ms on screen. */
  position: number | null;
}

/** Play/pause, sound, speed and where in time the picture is. */
export function PlaybackControls({ videoRef, source, position }: Props) {
  const [playing, setPlaying] = useState(false);
  const [muted, setMuted] = useState(false);
  const [speed, setSpeed] = useState(1);
  const live = source?.kind === 'live';
  // The live edge cannot be outrun: live plays at 1x (hls.js itself catches up when behind).
  const rate = live ? 1 : speed;

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const sync = (): void => {
      setPlaying(!video.paused && !video.ended);
      setMuted(video.muted);
    };
    // A new source resets the rate to the default one: set both, and again once loaded.
    const applyRate = (): void => {
      video.defaultPlaybackRate = rate;
      video.playbackRate = rate;
    };
    applyRate();
    sync();
    const events = ['play', 'pause', 'ended', 'volumechange', 'emptied'] as const;
    for (const name of events) video.addEventListener(name, sync);
    video.addEventListener('loadedmetadata', applyRate);
    return () => {
      for (const name of events) video.removeEventListener(name, sync);
      video.removeEventListener('loadedmetadata', applyRate);
    };
  }, [videoRef, source, rate]);

  const toggle = (): void => {
    const video = videoRef.current;
    if (!video) return;
    if (video.paused || video.ended) video.play().catch(() => undefined);
    else video.pause();
  };
  const toggleMuted = (): void => {
    const video = videoRef.current;
    if (video) video.muted = !video.muted;
  };

  return (
    <div className="player-controls">
      <button
        type="button"
        className="icon-btn"
        data-testid="playback-toggle"
        disabled={!source}
        onClick={toggle}
      >
        {playing ? 'Pause' : 'Play'}
      </button>
      <button
        type="button"
        className="icon-btn"
        data-testid="playback-mute"
        aria-pressed={!muted}
        disabled={!source}
        onClick={toggleMuted}
      >
        {muted ? 'Unmute' : 'Mute'}
      </button>
      <label className="player-controls__speed">
        <span className="muted small">Speed</span>
        <select
          data-testid="playback-speed"
          value={rate}
          disabled={live}
          onChange={(event) => setSpeed(Number(event.target.value))}
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      {source && (
        <span
          className={`badge player-controls__kind${live ? ' player-controls__kind--live' : ''}`}
        >
          {live ? 'Live HLS' : 'Recording'}
        </span>
      )}
      <span
        className="player-controls__position"
        data-testid="playback-position"
        data-position={position ?? undefined}
      >
        {position !== null ? formatInstant(position) : '—'}
      </span>
    </div>
  );
}
