import { describe, expect, it } from 'vitest';
import type { RemoteProducer } from '../remoteMedia.ts';
import { isSuperseded, supersededBy } from './supersede.ts';

let n = 0;
function remote(o: {
  deviceId?: string | undefined;
  source?: 'camera' | 'talkback';
  kind?: 'audio' | 'video';
  publishedAt: number;
  nodeId?: string;
}): RemoteProducer {
  n += 1;
  return {
    id: `p${n}`,
    nodeId: o.nodeId ?? 'node-a',
    publishedAt: o.publishedAt,
    kind: o.kind ?? 'video',
    paused: false,
    appData: {
      source: o.source ?? 'camera',
      peerId: `peer${n}`,
      deviceId: 'deviceId' in o ? o.deviceId : 'cam-1',
      label: 'Porch',
      targetPeerId: undefined,
    },
    rtpParameters: {},
  };
}

describe('a device stream published anew supersedes its older copies', () => {
  it('drops only older producers of the same device, source and kind', () => {
    const stale = remote({ publishedAt: 1_000, nodeId: 'killed' });
    const staleAudio = remote({ kind: 'audio', publishedAt: 1_000, nodeId: 'killed' });
    const otherCamera = remote({ deviceId: 'cam-2', publishedAt: 1_000 });
    const talkback = remote({ source: 'talkback', publishedAt: 1_000 });
    const current = remote({ publishedAt: 5_000, nodeId: 'survivor' });
    const all = [stale, staleAudio, otherCamera, talkback, current];
    expect(supersededBy({ producer: current, publishedAt: 5_000 }, all)).toEqual([stale]);
    // Nothing is superseded by an older one, nor by itself, nor at the same instant.
    expect(supersededBy({ producer: stale, publishedAt: 1_000 }, all)).toEqual([]);
    expect(supersededBy({ producer: current, publishedAt: 5_000 }, [current])).toEqual([]);
    const twin = remote({ publishedAt: 5_000 });
    expect(supersededBy({ producer: current, publishedAt: 5_000 }, [twin])).toEqual([]);
  });

  it('leaves producers of no device alone (a person’s talk-back from two tabs)', () => {
    const a = remote({ deviceId: undefined, source: 'talkback', publishedAt: 1 });
    const b = remote({ deviceId: undefined, source: 'talkback', publishedAt: 2 });
    expect(supersededBy({ producer: b, publishedAt: 2 }, [a])).toEqual([]);
    expect(isSuperseded(a, [{ producer: b, publishedAt: 2 }])).toBe(false);
  });

  it('a remote entry arriving late is refused when a newer one is already here', () => {
    const late = remote({ publishedAt: 1_000, nodeId: 'killed' });
    const here = remote({ publishedAt: 4_000, nodeId: 'survivor' });
    expect(isSuperseded(late, [{ producer: here, publishedAt: 4_000 }])).toBe(true);
    expect(isSuperseded(here, [{ producer: late, publishedAt: 1_000 }])).toBe(false);
    // An entry from a node too old to say when it published counts as the oldest.
    const unknown = remote({ publishedAt: 0 });
    expect(isSuperseded(unknown, [{ producer: here, publishedAt: 4_000 }])).toBe(true);
  });
});
