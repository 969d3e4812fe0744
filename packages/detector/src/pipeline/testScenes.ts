import type { Box } from '@porchlight/protocol';
import type { Detection, PipelineFrame } from './types.ts';

/** Synthetic scenes for the pipeline tests: people as boxes moving on straight lines. */

export interface Walker {
  from: number;
  to: number;
  /** Box at the start and at the end; linear in between. */
  start: Box;
  end: Box;
  score: number | ((t: number) => number);
}

export function boxAt(w: Walker, t: number): Box {
  const k = w.to > w.from ? (t - w.from) / (w.to - w.from) : 0;
  const lerp = (i: number): number => (w.start[i] ?? 0) + ((w.end[i] ?? 0) - (w.start[i] ?? 0)) * k;
  return [lerp(0), lerp(1), lerp(2), lerp(3)];
}

/** Frames every `stepMs` from `from` to `to` (inclusive) with the walkers present at each time. */
export function scene(walkers: Walker[], from: number, to: number, stepMs = 200): PipelineFrame[] {
  const frames: PipelineFrame[] = [];
  for (let t = from; t <= to; t += stepMs) {
    const persons: Detection[] = walkers
      .filter((w) => t >= w.from && t <= w.to)
      .map((w) => ({
        score: typeof w.score === 'number' ? w.score : w.score(t),
        box: boxAt(w, t),
      }));
    frames.push({ t, persons, ran: true });
  }
  return frames;
}

export const T0 = 1_750_000_000_000;
