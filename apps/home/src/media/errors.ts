import { isPorchlightError } from '@porchlight/sdk';

/** A one-line, human explanation of getUserMedia / SDK failures. */
export function describeError(error: unknown): string {
  if (isPorchlightError(error)) return error.message;
  if (error instanceof DOMException || error instanceof Error) {
    switch (error.name) {
      case 'NotAllowedError':
        return 'Permission denied. Allow camera and microphone access for this site.';
      case 'NotFoundError':
        return 'No camera or microphone found on this device.';
      case 'NotReadableError':
        return 'The camera or microphone is in use by another app.';
      case 'OverconstrainedError':
        return 'This camera does not support the requested settings.';
      default:
        return error.message || error.name;
    }
  }
  return String(error);
}

/** getUserMedia exists only in secure contexts (HTTPS or localhost). */
export function mediaDevices(): MediaDevices {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new Error('Camera and microphone need a secure (HTTPS) page.');
  }
  return navigator.mediaDevices;
}
