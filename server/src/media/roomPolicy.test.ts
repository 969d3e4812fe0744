import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { Peer, type ProducerAppData } from './Peer.ts';
import { watchedCamera } from './roomPolicy.ts';

function viewerConsuming(producerIds: string[]): Peer {
  const peer = new Peer({
    id: 'viewer',
    siteId: 's',
    role: 'viewer',
    label: 'v',
    deviceId: undefined,
    can: () => true,
    notify: () => undefined,
  });
  producerIds.forEach((producerId, i) =>
    peer.consumers.set(`c${i}`, { id: `c${i}`, producerId } as types.Consumer),
  );
  return peer;
}

const producers = new Map<string, types.Producer<ProducerAppData>>(
  (
    [
      ['front-video', 'front', 'camera'],
      ['front-mic', 'front', 'microphone'],
      ['side-video', 'side', 'camera'],
      ['talk', 'other-viewer', 'talkback'],
    ] as const
  ).map(([id, peerId, source]) => [
    id,
    { id, appData: { peerId, source } as ProducerAppData } as types.Producer<ProducerAppData>,
  ]),
);
const byId = (id: string) => producers.get(id);

describe('watchedCamera (talk-back default target)', () => {
  it('is the one camera peer whose video and sound the viewer consumes', () => {
    expect(watchedCamera(viewerConsuming(['front-video', 'front-mic']), byId)).toBe('front');
  });

  it('ignores consumed talk-back and producers that are gone', () => {
    expect(watchedCamera(viewerConsuming(['talk', 'gone', 'side-video']), byId)).toBe('side');
  });

  it('refuses when nothing is watched', () => {
    expect(() => watchedCamera(viewerConsuming([]), byId)).toThrow(/not watching any camera/);
  });

  it('refuses when several cameras are watched', () => {
    expect(() => watchedCamera(viewerConsuming(['front-video', 'side-video']), byId)).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringMatching(/2 cameras/) }),
    );
  });
});
