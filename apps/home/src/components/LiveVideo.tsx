import { useEffect, useRef } from 'react';
import type { Feed } from '../store/index.ts';
import { useAttachedStream } from '../hooks/useAttachedStream.ts';

/** A remote camera's video. Muted: its sound plays through a separate audio element. */
export function LiveVideo({ feed }: { feed: Feed }) {
  const ref = useRef<HTMLVideoElement>(null);
  useAttachedStream(ref, feed.subscription);

  // Autoplay requires muted as a property, which React does not always set before play().
  useEffect(() => {
    if (ref.current) ref.current.muted = true;
  }, []);

  return (
    <video
      ref={ref}
      className="tile__video"
      data-testid="live-video"
      data-producer-id={feed.producerId}
      autoPlay
      playsInline
      muted
    />
  );
}
