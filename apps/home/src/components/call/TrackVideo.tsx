import { useEffect, useRef } from 'react';

interface Props {
  track: MediaStreamTrack;
  testId: string;
  /** Mirrored, for one's own camera. Default false. */
  mirror?: boolean;
  className?: string;
}

/** Plays one remote or local video track (muted: sound comes through TrackAudio). */
export function TrackVideo({ track, testId, mirror = false, className }: Props) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.srcObject = new MediaStream([track]);
    element.play().catch(() => undefined);
    return () => {
      element.srcObject = null;
    };
  }, [track]);
  return (
    <video
      ref={ref}
      data-testid={testId}
      className={`call-video${mirror ? ' call-video--mirror' : ''}${className ? ` ${className}` : ''}`}
      autoPlay
      playsInline
      muted
    />
  );
}
