import { describe, expect, it } from 'vitest';
import type { ProducerInfo } from '@porchlight/protocol';
import { findReplacement, type SourceIdentity } from './matching.ts';

function producer(producerId: string, over: Partial<ProducerInfo> = {}): ProducerInfo {
  return {
    producerId,
    peerId: 'peer-a',
    label: 'Front door',
    deviceId: 'device-a',
    kind: 'video',
    source: 'camera',
    paused: false,
    layers: 3,
    allowed: [],
    ...over,
  };
}

const identity: SourceIdentity = {
  peerId: 'peer-a',
  label: 'Front door',
  kind: 'video',
  source: 'camera',
};
const none = { claimed: new Set<string>(), dead: new Set<string>() };

describe('findReplacement', () => {
  it('matches the same peer and source (media reset)', () => {
    const audio = producer('p-audio', { kind: 'audio', source: 'microphone' });
    const video = producer('p-video');
    expect(findReplacement(identity, [audio, video], none)).toBe(video);
  });

  it('matches a unique unclaimed label when the peer changed (device reconnect)', () => {
    const moved = producer('p2', { peerId: 'peer-b' });
    const other = producer('p3', { peerId: 'peer-c', label: 'Garage' });
    expect(findReplacement(identity, [other, moved], none)).toBe(moved);
  });

  it('refuses ambiguous or claimed label matches', () => {
    const one = producer('p2', { peerId: 'peer-b' });
    const two = producer('p3', { peerId: 'peer-c' });
    expect(findReplacement(identity, [one, two], none)).toBeUndefined();
    expect(findReplacement(identity, [one, two], { ...none, claimed: new Set(['p3']) })).toBe(one);
    expect(findReplacement(identity, [one], { ...none, claimed: new Set(['p2']) })).toBeUndefined();
  });

  it('never returns a producer it already lost', () => {
    expect(
      findReplacement(identity, [producer('p1')], { ...none, dead: new Set(['p1']) }),
    ).toBeUndefined();
  });

  it('ignores other sources and kinds', () => {
    expect(
      findReplacement(identity, [producer('p1', { source: 'talkback', kind: 'audio' })], none),
    ).toBeUndefined();
  });
});
