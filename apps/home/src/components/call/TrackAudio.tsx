import { useEffect, useRef, useState } from 'react';

interface Props {
  track: MediaStreamTrack;
  testId: string;
  /** Silenced (speaker off). Default false. */
  muted?: boolean;
  /** 0..1. Default 1. */
  volume?: number;
}

/** Plays one remote audio track; offers a button when autoplay policy blocks sound. */
export function TrackAudio({ track, testId, muted = false, volume = 1 }: Props) {
  const ref = useRef<HTMLAudioElement>(null);
  const [blocked, setBlocked] = useState(false);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.srcObject = new MediaStream([track]);
    element.play().then(
      () => setBlocked(false),
      (error: unknown) => {
        if (error instanceof DOMException && error.name === 'NotAllowedError') setBlocked(true);
      },
    );
    return () => {
      element.srcObject = null;
    };
  }, [track]);

  // React does not reliably reflect `muted` after mount; set the properties directly.
  useEffect(() => {
    if (!ref.current) return;
    ref.current.muted = muted;
    ref.current.volume = Math.min(1, Math.max(0, volume));
  }, [muted, volume]);

  const unblock = (): void => {
    ref.current?.play().then(
      () => setBlocked(false),
      () => undefined,
    );
  };

  return (
    <>
      <audio ref={ref} data-testid={testId} autoPlay />
      {blocked && !muted && (
        <button type="button" className="btn call-btn" onClick={unblock}>
          Tap to hear
        </button>
      )}
    </>
  );
}
