import type { Detection } from './types.ts';
import { centre, iou } from './geometry.ts';
import { Track } from './Track.ts';

export interface TrackerOptions {
  /** Lowest IoU between a predicted track box and a detection that can match them. Default 0.2. */
  minIou: number;
  /**
   * Without IoU overlap, a detection whose centre is within this many box heights of the
   * prediction still matches (low frame rates, small fast people). Default 0.6.
   */
  maxCentreDistance: number;
  /** A track is dropped when unseen for this long AND missed at least `maxMissedRuns` model runs. Default 1500 ms. */
  maxGapMs: number;
  /** See maxGapMs. Default 2. */
  maxMissedRuns: number;
  /** Scores kept per track for the median gate. Default 5. */
  scoreWindow: number;
  /** A track has "moved" once its centre left a circle of this many box sizes around where it appeared. Default 0.5. */
  movedFraction: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  minIou: 0.2,
  maxCentreDistance: 0.6,
  maxGapMs: 1500,
  maxMissedRuns: 2,
  scoreWindow: 5,
  movedFraction: 0.5,
};

export interface TrackerUpdate {
  /** Tracks that got a detection this frame (new ones included). */
  hit: Track[];
  /** Tracks dropped this frame. */
  lost: Track[];
}

/**
 * Associates detections to tracks frame by frame: greedy on a similarity that is the IoU with
 * the predicted box, or (weaker) closeness of centres; one detection feeds at most one track,
 * so one person is one track. Unmatched detections open new tracks.
 */
export class Tracker {
  private readonly options: TrackerOptions;
  private readonly live = new Map<number, Track>();
  private nextId = 1;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  get tracks(): Track[] {
    return [...this.live.values()];
  }

  /** Feeds one frame. `ran=false` (the model was skipped) ages no track. */
  update(t: number, detections: readonly Detection[], ran: boolean): TrackerUpdate {
    if (!ran) return { hit: [], lost: [] };
    const tracks = this.tracks;
    const pairs: { s: number; track: Track; d: number }[] = [];
    for (const track of tracks) {
      const predicted = track.predict(t);
      const [pcx, pcy] = centre(predicted);
      detections.forEach((det, d) => {
        const overlap = iou(predicted, det.box);
        let s = 0;
        if (overlap >= this.options.minIou) s = 1 + overlap;
        else {
          const [cx, cy] = centre(det.box);
          const scale = Math.max(predicted[3], det.box[3]);
          const sizeRatio = (det.box[3] + 1e-6) / (predicted[3] + 1e-6);
          const dist = Math.hypot(cx - pcx, cy - pcy) / (scale || 1);
          if (dist < this.options.maxCentreDistance && sizeRatio > 0.5 && sizeRatio < 2) {
            s = 1 - dist / this.options.maxCentreDistance;
          }
        }
        if (s > 0) pairs.push({ s, track, d });
      });
    }
    pairs.sort((a, b) => b.s - a.s);
    const usedTracks = new Set<Track>();
    const usedDets = new Set<number>();
    const hit: Track[] = [];
    for (const { track, d } of pairs) {
      if (usedTracks.has(track) || usedDets.has(d)) continue;
      const det = detections[d];
      if (!det) continue;
      usedTracks.add(track);
      usedDets.add(d);
      track.hit(t, det.box, det.score, this.options.movedFraction);
      hit.push(track);
    }
    const lost: Track[] = [];
    for (const track of tracks) {
      if (usedTracks.has(track)) continue;
      track.missedRuns++;
      if (
        t - track.lastSeen >= this.options.maxGapMs &&
        track.missedRuns >= this.options.maxMissedRuns
      ) {
        this.live.delete(track.id);
        lost.push(track);
      }
    }
    detections.forEach((det, d) => {
      if (usedDets.has(d)) return;
      const track = new Track(this.nextId++, t, det.box, det.score, this.options.scoreWindow);
      this.live.set(track.id, track);
      hit.push(track);
    });
    return { hit, lost };
  }

  /** Drops every track (the session restarted or settings changed). */
  reset(): void {
    this.live.clear();
  }
}
