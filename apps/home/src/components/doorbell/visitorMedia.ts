export interface VisitorMedia {
  /** What the visitor shares; null when nothing could be opened. */
  stream: MediaStream | null;
  /** Said on the page when the household will get less than camera + microphone. */
  note: string | null;
}

const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true };
const VIDEO: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 480 },
  facingMode: 'user',
};

/**
 * Camera and microphone for a ring, degrading instead of failing: no camera → audio only, no
 * permission (or no devices at all) → the ring still goes through without media.
 */
export async function openVisitorMedia(): Promise<VisitorMedia> {
  const devices = navigator.mediaDevices as MediaDevices | undefined;
  if (!devices?.getUserMedia) {
    return {
      stream: null,
      note: 'This browser cannot share a camera here: the household will not see or hear you.',
    };
  }
  try {
    return { stream: await devices.getUserMedia({ video: VIDEO, audio: AUDIO }), note: null };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotAllowedError') {
      return {
        stream: null,
        note: 'Camera and microphone not allowed: the household will not see or hear you.',
      };
    }
  }
  try {
    return {
      stream: await devices.getUserMedia({ audio: AUDIO }),
      note: 'No camera: the household will hear you but not see you.',
    };
  } catch {
    return {
      stream: null,
      note: 'No microphone or camera: the household will not see or hear you.',
    };
  }
}
