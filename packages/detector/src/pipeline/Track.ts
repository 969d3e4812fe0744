import type { Box, TrackPoint } from '@porchlight/protocol';
import { centre, median } from './geometry.ts';

/**
 * One person followed across frames. Motion is a constant-velocity estimate smoothed over hits
 * (an alpha-beta filter: the cheap cousin of a Kalman filter, enough at 2-10 detections/s).
 */
export class Track {
  readonly id: number;
  readonly firstSeen: number;
  lastSeen: number;
  box: Box;
  /** Scores of the latest hits (the median gate reads them). */
  readonly recentScores: number[] = [];
  hits = 1;
  /** Model runs since the last hit. */
  missedRuns = 0;
  /** Passed the median-score gate once; stays confirmed while it lives. */
  confirmed = false;
  /** Has left the neighbourhood of where it appeared (a static false positive never does). */
  moved = false;
  /** Latest hit, as stored in an event's track. */
  lastPoint: TrackPoint;
  private vx = 0;
  private vy = 0;
  private readonly origin: [number, number];

  constructor(
    id: number,
    t: number,
    box: Box,
    score: number,
    private readonly scoreWindow: number,
  ) {
    this.id = id;
    this.firstSeen = t;
    this.lastSeen = t;
    this.box = box;
    this.origin = centre(box);
    this.recentScores.push(score);
    this.lastPoint = { t: Math.round(t), box, score };
  }

  /** Where the box should be at time t. */
  predict(t: number): Box {
    const dt = Math.max(0, t - this.lastSeen);
    const [x, y, w, h] = this.box;
    const nx = Math.min(1 - w, Math.max(0, x + this.vx * dt));
    const ny = Math.min(1 - h, Math.max(0, y + this.vy * dt));
    return [nx, ny, w, h];
  }

  /** Records a hit at time t. */
  hit(t: number, box: Box, score: number, movedFraction: number): void {
    const dt = t - this.lastSeen;
    if (dt > 0) {
      const [cx0, cy0] = centre(this.box);
      const [cx1, cy1] = centre(box);
      // Smoothing 0.5: new velocity half measured, half remembered.
      this.vx = 0.5 * this.vx + 0.5 * ((cx1 - cx0) / dt);
      this.vy = 0.5 * this.vy + 0.5 * ((cy1 - cy0) / dt);
    }
    this.box = box;
    this.lastSeen = t;
    this.hits++;
    this.missedRuns = 0;
    this.recentScores.push(score);
    if (this.recentScores.length > this.scoreWindow) this.recentScores.shift();
    this.lastPoint = { t: Math.round(t), box, score };
    if (!this.moved) {
      const [cx, cy] = centre(box);
      const reach = movedFraction * Math.max(box[2], box[3]);
      if (Math.hypot(cx - this.origin[0], cy - this.origin[1]) > reach) this.moved = true;
    }
  }

  medianScore(): number {
    return median(this.recentScores);
  }
}
