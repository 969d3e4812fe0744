import { useEffect, useState, type RefObject } from 'react';
import type Hls from 'hls.js/light';
import type { PlaybackSource } from '../recording/playback.ts';

/** Safari's native HLS exposes the playlist's EXT-X-PROGRAM-DATE-TIME this way. */
type WithStartDate = HTMLVideoElement & { getStartDate?: () => Date };

/** Wall-clock ms of what is on screen, from the playlist's program date-time when it has one. */
function wallClock(
  video: HTMLVideoElement,
  hls: Hls | null,
  source: PlaybackSource,
): number | null {
  const playing = hls?.playingDate;
  if (playing) return playing.getTime();
  const start = (video as WithStartDate).getStartDate?.().getTime();
  if (start !== undefined && Number.isFinite(start)) return start + video.currentTime * 1000;
  // No program date-time: a recording played from a known instant still places itself.
  if (source.kind === 'vod' && source.startAt !== null)
    return source.startAt + video.currentTime * 1000;
  return null;
}

/** The playback position in wall-clock ms (to the second), or null when not known. */
export function usePlaybackPosition(
  videoRef: RefObject<HTMLVideoElement | null>,
  hls: Hls | null,
  source: PlaybackSource | null,
): number | null {
  const [position, setPosition] = useState<number | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    setPosition(null);
    if (!video || !source) return;
    const update = (): void => {
      const ms = wallClock(video, hls, source);
      const next = ms === null ? null : Math.floor(ms / 1000) * 1000;
      setPosition((previous) => (previous === next ? previous : next));
    };
    const events = ['timeupdate', 'seeked', 'loadedmetadata', 'playing'] as const;
    for (const name of events) video.addEventListener(name, update);
    return () => {
      for (const name of events) video.removeEventListener(name, update);
    };
  }, [videoRef, hls, source]);

  return position;
}
