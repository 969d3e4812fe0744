/**
 * Segment events of the recording bench and their real media time: every `segment` event the
 * service fires is collected per device (for the steps in progress), matched with its cut timing,
 * and placed on the server's clock by the keyframe that ends it.
 */
import type { RecordingService } from '../../server/src/recording/RecordingService.ts';
import type { SegmentRecord } from '../../server/src/recording/types.ts';
import { Logger } from '@porchlight/runtime';
import { GOP_MS } from './options.ts';
import { durableWrite, takeCut, type CutTiming } from './probe.ts';

export interface SegEvent {
  rec: SegmentRecord;
  /** Date.now() when the service's `segment` event fired (row inserted). */
  at: number;
  cut: CutTiming | undefined;
}

export interface Timed extends SegEvent {
  cut: CutTiming;
  /** Real end of the segment's media: when the keyframe that ends it reached mediasoup. */
  trueEnd: number;
  /** trueEnd → the segment's last fragment out of ffmpeg (written once that keyframe arrived). */
  mux: number;
  /** (producerTime + durationMs) − trueEnd: error of the recording's own camera time. */
  anchorError: number;
}

/**
 * A segment ends where the next keyframe starts: its last fragment leaves ffmpeg once that
 * keyframe has arrived. The keyframe's arrival at mediasoup (producer trace) is the segment's real
 * end on the server's clock, independent of the recording's own timestamps.
 */
export function timed(events: SegEvent[], keyframes: readonly number[]): Timed[] {
  const out: Timed[] = [];
  for (const e of events) {
    if (!e.cut) continue;
    const lastAt = e.cut.lastFragmentAt;
    let kf: number | undefined;
    for (const k of keyframes) {
      if (k <= lastAt + 2) kf = k;
      else break;
    }
    if (kf === undefined || lastAt - kf > GOP_MS) continue;
    out.push({
      ...e,
      cut: e.cut,
      trueEnd: kf,
      mux: lastAt - kf,
      anchorError: e.rec.producerTime + e.rec.durationMs - kf,
    });
  }
  return out;
}

/** Segment events by device, one map per step in progress (device sets never overlap). */
export const collectors = new Set<Map<string, SegEvent[]>>();
/** Durable-write baseline: active during a window, at most one write per interval. */
export const baseline = { active: false, dir: '', lastAt: 0, samples: [] as number[] };

export function listen(service: RecordingService): void {
  service.on('segment', (rec) => {
    const at = Date.now();
    const cut = takeCut(rec.ingestTime, rec.bytes);
    for (const c of collectors) c.get(rec.deviceId)?.push({ rec, at, cut });
    if (baseline.active && at - baseline.lastAt >= 400) {
      baseline.lastAt = at;
      void durableWrite(baseline.dir, rec.bytes).then(
        (ms) => baseline.samples.push(ms),
        (e: unknown) => console.error('[recording] baseline write failed', e),
      );
    }
  });
}

/** Recorder trouble the server logged (its warn/error lines), attributed to steps by time. */
export const serverWarnings: { at: number; msg: string; detail: string }[] = [];

export function watchServerLog(): void {
  for (const level of ['warn', 'error'] as const) {
    const orig = Logger.prototype[level];
    Logger.prototype[level] = function (
      this: Logger,
      msg: string,
      fields?: Record<string, unknown>,
    ): void {
      if (/recorder|segment lost|unparseable/i.test(msg)) {
        const detail = fields?.['stderr'] ?? fields?.['error'] ?? '';
        serverWarnings.push({
          at: Date.now(),
          msg,
          detail: (typeof detail === 'string' ? detail : JSON.stringify(detail)).slice(0, 300),
        });
      }
      orig.call(this, msg, fields);
    };
  }
}

/** Short reason of a logged recorder failure. */
export function failureReason(w: { msg: string; detail: string }): string {
  if (/bind failed/.test(w.detail)) return 'ffmpeg exit: port already in use';
  const assertion = /Assertion .* failed at [^"\\]*/.exec(w.detail)?.[0];
  if (assertion) return `ffmpeg abort: ${assertion}`;
  if (/Channel request handler/.test(w.detail)) return 'start failed: consumer gone';
  return `${w.msg}${w.detail ? `: ${w.detail.slice(0, 80)}` : ''}`;
}

/** Per step: the segments of each device (clip export uses the largest step's). */
export const recordedByStep = new Map<number, Map<string, SegmentRecord[]>>();

export function printSegments(
  device: string,
  list: SegEvent[],
  t: Timed[],
  w0: number,
  w1: number,
): void {
  for (const e of list) {
    const x = t.find((y) => y.rec.seq === e.rec.seq);
    console.log(
      `  ${device.slice(0, 6)} #${e.rec.seq} ${e.rec.runId.slice(-4)} pt ${e.rec.producerTime % 1e6} ` +
        `dur ${e.rec.durationMs} ing ${e.rec.ingestTime % 1e6} at ${e.at % 1e6}` +
        (e.cut
          ? ` lastFrag ${e.cut.lastFragmentAt % 1e6} cut ${e.cut.cutAt % 1e6} frags ${e.cut.fragments}`
          : '') +
        (x ? ` | trueEnd ${x.trueEnd % 1e6} mux ${x.mux} anchorErr ${x.anchorError}` : '') +
        (e.at >= w0 && e.at <= w1 ? ' W' : ''),
    );
  }
}
