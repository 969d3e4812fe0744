import type { VisitorCallSession } from '@porchlight/sdk';
import { captureJpeg } from './snapshot.ts';

/**
 * Sends what the visitor shares into the call: the snapshot first (it is what the homeowners'
 * notification shows), then camera and microphone. Stops early once `current()` is false (the
 * call ended meanwhile). A failure of one part leaves the others going: a ring without a picture
 * is still a ring.
 */
export async function shareVisitorMedia(
  session: VisitorCallSession,
  stream: MediaStream | null,
  current: () => boolean,
): Promise<void> {
  const [video] = stream?.getVideoTracks() ?? [];
  const [audio] = stream?.getAudioTracks() ?? [];
  if (video) {
    const jpeg = await captureJpeg(video);
    if (jpeg && current()) await session.uploadSnapshot(jpeg).catch(() => undefined);
  }
  if (video && current()) await session.publish(video, 'camera').catch(() => undefined);
  if (audio && current()) await session.publish(audio, 'microphone').catch(() => undefined);
}
