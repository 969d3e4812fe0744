import { useEffect, useRef } from 'react';

/** What this camera is sending (not a live-video: it is local). */
export function LocalPreview({ stream }: { stream: MediaStream | null }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.muted = true;
    element.srcObject = stream;
    if (stream) element.play().catch(() => undefined);
  }, [stream]);
  return (
    <video
      ref={ref}
      className="preview__video"
      data-testid="local-preview"
      autoPlay
      playsInline
      muted
    />
  );
}
