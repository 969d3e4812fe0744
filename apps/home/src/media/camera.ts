import type { PorchlightClient, Publication } from '@porchlight/sdk';
import type { CameraStatus } from '../store/index.ts';
import { describeError, mediaDevices } from './errors.ts';

export interface CameraHooks {
  onStatus(status: CameraStatus, error?: string): void;
  onStream(stream: MediaStream | null): void;
}

const VIDEO: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  // Old phones propped in a window should film outward, not the room.
  facingMode: { ideal: 'environment' },
};

const AUDIO: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

async function openCamera(): Promise<MediaStream> {
  const devices = mediaDevices();
  try {
    return await devices.getUserMedia({ video: VIDEO, audio: AUDIO });
  } catch (error) {
    // A camera without a microphone (or a refused microphone) is still a camera.
    if (error instanceof DOMException && error.name !== 'NotAllowedError') {
      return devices.getUserMedia({ video: VIDEO });
    }
    throw error;
  }
}

/**
 * Turns this browser into a camera: captures, publishes video (H264 preferred, simulcast when
 * wide enough) and audio, and reports whether every track is live. Returns a stop function.
 */
export function startCamera(client: PorchlightClient, hooks: CameraHooks): () => void {
  let stopped = false;
  let stream: MediaStream | null = null;
  const publications: Publication[] = [];

  const report = (): void => {
    if (stopped) return;
    const live = publications.length > 0 && publications.every((p) => p.id !== null);
    hooks.onStatus(live ? 'publishing' : 'republishing');
  };

  const run = async (): Promise<void> => {
    hooks.onStatus('starting');
    const opened = await openCamera();
    if (stopped) {
      // stop() ran while the permission prompt was open.
      opened.getTracks().forEach((track) => track.stop());
      return;
    }
    stream = opened;
    hooks.onStream(opened);
    const jobs: Promise<Publication>[] = [];
    const [video] = opened.getVideoTracks();
    const [audio] = opened.getAudioTracks();
    if (video)
      jobs.push(client.publish(video, { source: 'camera', codec: 'h264', simulcast: true }));
    if (audio) jobs.push(client.publish(audio, { source: 'microphone' }));
    const results = await Promise.allSettled(jobs);
    for (const result of results) {
      if (result.status !== 'fulfilled') continue;
      if (stopped) {
        result.value.close();
        continue;
      }
      publications.push(result.value);
      result.value.on('idChanged', report);
    }
    if (stopped) return;
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    report();
  };

  run().catch((error: unknown) => {
    if (!stopped) hooks.onStatus('error', describeError(error));
  });

  return () => {
    stopped = true;
    for (const publication of publications) publication.close();
    stream?.getTracks().forEach((track) => track.stop());
    hooks.onStream(null);
  };
}
