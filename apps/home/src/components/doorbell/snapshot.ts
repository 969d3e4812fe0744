import { MAX_SNAPSHOT_BYTES } from '@porchlight/protocol';

/** Longest side of the snapshot: enough to recognise a face in a notification. */
const MAX_SIDE = 640;

/**
 * One JPEG frame of a camera track, base64 (no data: prefix), for the homeowners' notification.
 * Lowers the quality until it fits the server's limit; null when no frame could be drawn.
 */
export async function captureJpeg(track: MediaStreamTrack): Promise<string | null> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  try {
    await video.play();
    if (video.videoWidth === 0) {
      await new Promise<void>((resolve) => {
        video.addEventListener('loadeddata', () => resolve(), { once: true });
        setTimeout(resolve, 2000);
      });
    }
    if (video.videoWidth === 0) return null;
    const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
    for (const quality of [0.8, 0.6, 0.4]) {
      const base64 = canvas.toDataURL('image/jpeg', quality).split(',')[1] ?? '';
      if (base64.length > 0 && (base64.length * 3) / 4 <= MAX_SNAPSHOT_BYTES) return base64;
    }
    return null;
  } catch {
    return null;
  } finally {
    video.srcObject = null;
  }
}
