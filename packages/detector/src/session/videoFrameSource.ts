import type { FrameSource } from './types.ts';

/**
 * Frames of a playing <video> (the camera's own capture, or a live view) as ImageBitmaps.
 * Nothing while the video has no current frame (starting, stalled).
 */
export function videoFrameSource(video: HTMLVideoElement): FrameSource<ImageBitmap> {
  return {
    async grab(keepCopy) {
      if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0)
        return null;
      const frame = await createImageBitmap(video);
      // The frame is transferred to the worker; the copy stays here for the snapshot.
      const copy = keepCopy ? await createImageBitmap(frame) : null;
      return { frame, copy };
    },
  };
}
