import { useEffect, useRef } from 'react';
import type { Feed } from '../store/index.ts';
import { useAttachedStream } from '../hooks/useAttachedStream.ts';

interface Props {
  feed: Feed;
  muted: boolean;
  testId: string;
}

/** Plays an audio subscription; offers a button when autoplay policy blocks sound. */
export function RemoteAudio({ feed, muted, testId }: Props) {
  const ref = useRef<HTMLAudioElement>(null);
  const { blocked, unblock } = useAttachedStream(ref, feed.subscription);

  // React does not reliably reflect `muted` after mount; set the property directly.
  useEffect(() => {
    if (ref.current) ref.current.muted = muted;
  }, [muted]);

  return (
    <>
      <audio
        ref={ref}
        data-testid={testId}
        data-producer-id={feed.producerId}
        autoPlay
        muted={muted}
      />
      {blocked && !muted && (
        <button type="button" className="btn btn--small" onClick={unblock}>
          Tap to enable sound
        </button>
      )}
    </>
  );
}
