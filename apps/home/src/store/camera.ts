import type { StateCreator } from 'zustand';
import type { Store } from './index.ts';

/**
 * - starting: asking for the camera / producing.
 * - publishing: every local track has a live producer.
 * - republishing: media is being rebuilt (reset or reconnect).
 * - error: no camera (denied, missing) or publishing failed.
 */
export type CameraStatus = 'starting' | 'publishing' | 'republishing' | 'error';

export interface CameraSlice {
  cameraStatus: CameraStatus;
  cameraError: string | null;
  localStream: MediaStream | null;

  setCameraStatus(status: CameraStatus, error?: string): void;
  setLocalStream(stream: MediaStream | null): void;
}

export const createCameraSlice: StateCreator<Store, [], [], CameraSlice> = (set) => ({
  cameraStatus: 'starting',
  cameraError: null,
  localStream: null,

  setCameraStatus: (cameraStatus, error) => set({ cameraStatus, cameraError: error ?? null }),
  setLocalStream: (localStream) => set({ localStream }),
});
