import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIP_MS, defaultClip } from '../../apps/home/src/recording/clip.ts';

const S = 1000;

describe('defaultClip', () => {
  it('is the 30 s before the position inside a long recording', () => {
    expect(defaultClip(100 * S, [{ from: 0, to: 200 * S }])).toEqual({ from: 70 * S, to: 100 * S });
  });

  it('starts with the recording and runs up to 30 s into it just after it starts', () => {
    expect(defaultClip(105 * S, [{ from: 100 * S, to: 200 * S }])).toEqual({
      from: 100 * S,
      to: 100 * S + DEFAULT_CLIP_MS,
    });
  });

  it('never crosses into the next range (a run change): the position is read to the second', () => {
    // Two ranges that meet where the resolution changed; the position is past the first by 0.5 s.
    const ranges = [
      { from: 100 * S, to: 110 * S },
      { from: 110 * S, to: 200 * S },
    ];
    expect(defaultClip(110.5 * S, ranges)).toEqual({ from: 110 * S, to: 140 * S });
    // Inside the first (shorter than a clip): all of it, ending at the change, not past it.
    expect(defaultClip(109.5 * S, ranges)).toEqual({ from: 100 * S, to: 110 * S });
    // Up to a second after a range with nothing after it: the clip ends with the recording.
    expect(defaultClip(200.8 * S, ranges)).toEqual({ from: 170 * S, to: 200 * S });
  });

  it('takes the later range when a position read to the second falls just before a run change', () => {
    // Ranges of a camera ramping up: short runs, then the long one the user clicked in. The
    // playback position 400 s (floored) may really be 400.8 s, inside the long run.
    const ranges = [
      { from: 399.799 * S, to: 400.734 * S },
      { from: 400.734 * S, to: 420 * S },
    ];
    expect(defaultClip(400 * S, ranges, undefined, 1000)).toEqual({
      from: 400.734 * S,
      to: 420 * S,
    });
    // An exact position (the latest recording's end) still picks the range it is in.
    expect(defaultClip(400 * S, ranges)).toEqual({ from: 399.799 * S, to: 400.734 * S });
  });

  it('is the 30 s before the position without known ranges', () => {
    expect(defaultClip(100 * S, null)).toEqual({ from: 70 * S, to: 100 * S });
  });
});
