/** A frame of a live camera to draw zones on. */
export interface Still {
  /** An object URL of a JPEG; revoke it with {@link releaseStill}. */
  url: string;
  width: number;
  height: number;
}

/** How long to wait for the first decoded frame (a keyframe after subscribing). */
const FIRST_FRAME_MS = 10_000;

/**
 * Grabs one frame of a stream into a JPEG: a detached, muted video element plays the stream until
 * it has a frame, the frame is drawn on a canvas. Rejects when no frame arrives in time.
 */
export async function grabStill(stream: MediaStream): Promise<Still> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('The camera sent no picture.')),
        FIRST_FRAME_MS,
      );
      const ready = (): void => {
        if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) return;
        clearTimeout(timer);
        resolve();
      };
      video.addEventListener('loadeddata', ready);
      video.addEventListener('resize', ready);
      video.play().catch(() => undefined);
      ready();
    });
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser cannot draw the picture.');
    context.drawImage(video, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) =>
      canvas.toBlob(resolve, 'image/jpeg', 0.85),
    );
    if (!blob) throw new Error('This browser cannot encode the picture.');
    return { url: URL.createObjectURL(blob), width: canvas.width, height: canvas.height };
  } finally {
    video.pause();
    video.srcObject = null;
  }
}

export function releaseStill(still: Still | null): void {
  if (still) URL.revokeObjectURL(still.url);
}
