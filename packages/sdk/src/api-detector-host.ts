import type {
  DetectionCapability,
  DetectorHostToken,
  HostAssignment,
  HostStatus,
} from '@porchlight/protocol';
import { EventsApi } from './api-events.ts';

/**
 * Detection on the server (docs/detection.md) of {@link PorchlightApi}: a camera's page reports
 * whether it can detect (`reportDetectionCapability`, its own device token); the server's
 * detector host page opens its session with the one-time code of its launch URL, then renews its
 * token, follows its assignment and reports its status with that token.
 */
export abstract class DetectorHostApi extends EventsApi {
  /** The camera's own page: can it detect? Answers where detection should run now. */
  reportDetectionCapability(
    deviceId: string,
    capability: DetectionCapability,
  ): Promise<{ runsOn: 'camera' | 'server' | 'unavailable' | 'off' }> {
    return this.call('reportDetectionCapability', { params: { deviceId }, body: capability });
  }

  /** The detector host page: its launch code -> its token (no bearer: the code is the secret). */
  openDetectorHostSession(code: string): Promise<DetectorHostToken> {
    return this.call('openDetectorHostSession', { body: { code }, auth: false });
  }

  /** Detector host: renews its short-lived token before it expires. */
  renewDetectorHostToken(): Promise<DetectorHostToken> {
    return this.call('renewDetectorHostToken', {});
  }

  /** The host's cameras; with `after` = the current version, waits (~25 s) for a change. */
  getDetectorHostAssignment(after?: number): Promise<HostAssignment> {
    return this.call('getDetectorHostAssignment', {
      query: after === undefined ? {} : { after },
    });
  }

  /** Detector host: its status per camera (shown in the camera's detection settings). */
  putDetectorHostStatus(status: HostStatus): Promise<{ ok: true }> {
    return this.call('putDetectorHostStatus', { body: status });
  }
}
