import type { FrameResult } from '@porchlight/detector';
import type { DetectorInfo } from '@porchlight/protocol';

/** What a camera's session needs of its detector (FrameDetectorLike<ImageBitmap>). */
export interface BitmapDetector {
  detect(frame: ImageBitmap, t: number): Promise<FrameResult>;
  readonly info: DetectorInfo;
  readonly closed: boolean;
}

/**
 * One model run at a time for every camera of the host (a 2-core box: the server, the SFU and
 * the recorders need the other core). Each camera keeps its own detector (its own motion
 * reference); their runs queue here. A session paces itself on the time its detection took,
 * waiting included, so N cameras share one budget rather than each taking a full one.
 */
export class SerialGate {
  #tail: Promise<unknown> = Promise.resolve();

  wrap(detector: BitmapDetector): BitmapDetector {
    return {
      detect: (frame, t) => this.#run(() => detector.detect(frame, t)),
      get info() {
        return detector.info;
      },
      get closed() {
        return detector.closed;
      },
    };
  }

  #run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
