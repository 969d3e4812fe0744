import type { RecordingService } from '../../recording/RecordingService.ts';

interface DeviceRecording {
  siteId: string;
  running: boolean;
  /** Run start or the last segment the recorder produced. */
  progressAt: number;
}

/**
 * Recorder progress per device, from the recording service's run and segment events: how long a
 * running recording has produced no segment.
 */
export class RecordingWatch {
  readonly #devices = new Map<string, DeviceRecording>();
  readonly #now: () => number;

  constructor(recording: Pick<RecordingService, 'on'>, now: () => number) {
    this.#now = now;
    recording.on('runStarted', ({ deviceId, siteId }) =>
      this.#devices.set(deviceId, { siteId, running: true, progressAt: this.#now() }),
    );
    recording.on('progress', ({ deviceId }) => {
      const d = this.#devices.get(deviceId);
      if (d) d.progressAt = this.#now();
    });
    recording.on('runStopped', ({ deviceId }) => {
      const d = this.#devices.get(deviceId);
      if (d) d.running = false;
    });
  }

  /**
   * Seconds since the last segment of the device's running recording, or of the longest-stalled
   * one of the site (0 when nothing records).
   */
  stalledSeconds(siteId: string, deviceId: string | null): number {
    let worst = 0;
    for (const [id, d] of this.#devices) {
      if (!d.running || d.siteId !== siteId || (deviceId !== null && id !== deviceId)) continue;
      worst = Math.max(worst, (this.#now() - d.progressAt) / 1000);
    }
    return worst;
  }
}
