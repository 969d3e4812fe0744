import { describe, expect, it } from 'vitest';
import type { ProducerInfo } from '@porchlight/protocol';
import { ProducerDirectory } from './producer-directory.ts';

const p = (producerId: string, over: Partial<ProducerInfo> = {}): ProducerInfo => ({
  producerId,
  peerId: 'peer',
  label: 'Cam',
  deviceId: 'device-a',
  kind: 'video',
  source: 'camera',
  paused: false,
  layers: 1,
  allowed: [],
  ...over,
});

describe('ProducerDirectory', () => {
  it('keeps list() referentially stable until a change', () => {
    const dir = new ProducerDirectory();
    dir.upsert(p('a'));
    const first = dir.list();
    expect(dir.list()).toBe(first);
    dir.setPaused('a', true);
    expect(dir.list()).not.toBe(first);
    expect(dir.get('a')?.paused).toBe(true);
    expect(dir.setPaused('a', true)).toBeUndefined();
  });

  it('reports added, removed and updated on replace', () => {
    const dir = new ProducerDirectory();
    dir.replace([p('a'), p('b')]);
    const diff = dir.replace([p('b', { paused: true }), p('c')]);
    expect(diff.added.map((x) => x.producerId)).toEqual(['c']);
    expect(diff.removed.map((x) => x.producerId)).toEqual(['a']);
    expect(diff.updated.map((x) => x.producerId)).toEqual(['b']);
    expect(dir.clear().map((x) => x.producerId)).toEqual(['b', 'c']);
    expect(dir.list()).toEqual([]);
  });

  it('reports a rename or a change of the allowed actions as an update on replace', () => {
    const dir = new ProducerDirectory();
    dir.replace([p('a', { allowed: ['stream:view-live'] }), p('b')]);
    const diff = dir.replace([
      p('a', { allowed: ['stream:view-live', 'stream:talk'] }),
      p('b', { label: 'Porch' }),
    ]);
    expect(diff.updated.map((x) => x.producerId)).toEqual(['a', 'b']);
    expect(
      dir.replace([
        p('a', { allowed: ['stream:talk', 'stream:view-live'] }),
        p('b', { label: 'Porch' }),
      ]).updated,
    ).toEqual([]);
  });
});
