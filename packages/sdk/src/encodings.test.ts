import { describe, expect, it } from 'vitest';
import { chooseEncodings } from './encodings.ts';

describe('chooseEncodings', () => {
  it('uses three layers from 960 px up', () => {
    const e = chooseEncodings(1280, true);
    expect(e?.map((x) => x.scaleResolutionDownBy)).toEqual([4, 2, 1]);
    expect(e?.map((x) => x.maxBitrate)).toEqual([150_000, 500_000, 1_500_000]);
    expect(chooseEncodings(960, true)).toHaveLength(3);
  });

  it('uses two layers between 640 and 959 px', () => {
    expect(chooseEncodings(640, true)?.map((x) => x.scaleResolutionDownBy)).toEqual([2, 1]);
    expect(chooseEncodings(959, true)).toHaveLength(2);
  });

  it('uses a single encoding below 640 px', () => {
    expect(chooseEncodings(639, true)).toBeUndefined();
    expect(chooseEncodings(320, true)).toBeUndefined();
  });

  it('uses a single encoding when simulcast is off or the width is unknown', () => {
    expect(chooseEncodings(1920, false)).toBeUndefined();
    expect(chooseEncodings(undefined, true)).toBeUndefined();
  });

  it('returns fresh objects each call (mediasoup-client mutates them)', () => {
    const a = chooseEncodings(1280, true);
    const b = chooseEncodings(1280, true);
    expect(a?.[0]).not.toBe(b?.[0]);
  });
});
