import { useMemo, useRef, useState } from 'react';
import { useHlsPlayer } from '../../../hooks/useHlsPlayer.ts';
import type { PlaybackSource } from '../../../recording/playback.ts';

interface Props {
  /** Signed HLS VOD URL of the message (short-lived: the history is re-read to refresh it). */
  url: string;
  seconds: number | null;
}

/** A visitor's video message in the call history: a button, then the message playing in place. */
export function MessagePlayer({ url, seconds }: Props) {
  const [open, setOpen] = useState(false);
  const label = `Play message${seconds !== null ? ` (${Math.round(seconds)} s)` : ''}`;
  return open ? (
    <MessageVideo url={url} onClose={() => setOpen(false)} />
  ) : (
    <button
      type="button"
      className="btn btn--small"
      data-testid="call-message-play"
      onClick={() => setOpen(true)}
    >
      ▶ {label}
    </button>
  );
}

function MessageVideo({ url, onClose }: { url: string; onClose: () => void }) {
  const video = useRef<HTMLVideoElement | null>(null);
  const source = useMemo<PlaybackSource>(() => ({ kind: 'vod', url, startAt: null }), [url]);
  const { error } = useHlsPlayer(video, source);
  return (
    <div className="call-history__message">
      <video
        ref={video}
        className="call-history__video"
        data-testid="call-message-video"
        controls
        playsInline
      />
      {error && <p className="hint hint--warn">{error}</p>}
      <button type="button" className="icon-btn" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
