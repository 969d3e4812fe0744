import { describe, expect, it } from 'vitest';
import { clipUrl, PorchlightApi, snapshotUrl } from './api.ts';
import type { RecordingStreamView } from '@porchlight/protocol';

interface Call {
  url: string;
  method: string;
  body: unknown;
}

function fakeFetch(...bodies: unknown[]): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    if (bodies.length === 0) throw new Error('unexpected request');
    return new Response(JSON.stringify(bodies.shift()), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const view: RecordingStreamView = {
  deviceId: 'd 1',
  deviceName: 'Front door',
  mode: 'continuous',
  retentionMaxAgeSeconds: 86_400,
  retentionMaxBytes: null,
  preRollSeconds: 5,
  postRollSeconds: 10,
  tags: {},
  recording: true,
  firstTime: 1000,
  lastTime: 2000,
  segments: 3,
  storedBytes: 12_345,
};

describe('PorchlightApi recording', () => {
  it('unwraps the list envelopes', async () => {
    const { fetch, calls } = fakeFetch(
      { streams: [view] },
      { fragments: [] },
      { thumbnails: [{ at: 5, url: '/media/t/thumb.jpg' }] },
    );
    const api = new PorchlightApi({ url: 'https://h', fetch, getToken: () => 'tok' });
    expect(await api.listRecordings('s1')).toEqual([view]);
    expect(await api.listRecordingFragments('s1', 'd1', { from: 1, to: 9, limit: 10 })).toEqual([]);
    expect(await api.listRecordingThumbnails('s1', 'd1', { from: 1, to: 9, count: 4 })).toEqual([
      { at: 5, url: '/media/t/thumb.jpg' },
    ]);
    expect(calls.map((c) => c.url)).toEqual([
      'https://h/api/v1/sites/s1/recordings',
      'https://h/api/v1/sites/s1/devices/d1/recording/fragments?from=1&to=9&limit=10',
      'https://h/api/v1/sites/s1/devices/d1/recording/thumbnails?from=1&to=9&count=4',
    ]);
  });

  it('sends settings, start/stop, timeline and playback requests', async () => {
    const playback = { expiresAt: 9, live: '/l', vod: '/v', clip: '/c', snapshot: '/s' };
    const { fetch, calls } = fakeFetch(view, view, view, { ranges: [], gaps: [] }, playback);
    const api = new PorchlightApi({ url: 'https://h', fetch, getToken: () => 'tok' });
    await api.updateRecording('s1', 'd 1', { mode: 'on-demand', retentionMaxBytes: null });
    await api.startRecording('s1', 'd 1', { durationSeconds: 60 });
    await api.stopRecording('s1', 'd 1');
    expect(await api.getRecordingTimeline('s1', 'd 1', { from: 10, to: 20 })).toEqual({
      ranges: [],
      gaps: [],
    });
    expect(await api.createPlayback('s1', 'd 1', { from: 10, to: 20 })).toEqual(playback);
    const base = 'https://h/api/v1/sites/s1/devices/d%201/recording';
    expect(calls).toEqual([
      { url: base, method: 'PATCH', body: { mode: 'on-demand', retentionMaxBytes: null } },
      { url: `${base}/start`, method: 'POST', body: { durationSeconds: 60 } },
      { url: `${base}/stop`, method: 'POST', body: {} },
      { url: `${base}/timeline?from=10&to=20`, method: 'GET', body: undefined },
      { url: `${base}/playback`, method: 'POST', body: { from: 10, to: 20 } },
    ]);
  });

  it('builds snapshot URLs', () => {
    expect(snapshotUrl('/media/t/snapshot.jpg', 1234.4, 320)).toBe(
      '/media/t/snapshot.jpg?at=1234&width=320',
    );
    expect(snapshotUrl('/media/snap?sig=x', 5)).toBe('/media/snap?sig=x&at=5');
  });

  it('builds clip URLs with the audio codec asked for (the server default, AAC, when none is)', () => {
    expect(clipUrl('/media/t/clip.mp4')).toBe('/media/t/clip.mp4');
    expect(clipUrl('/media/t/clip.mp4', { audio: 'opus' })).toBe('/media/t/clip.mp4?audio=opus');
    expect(clipUrl('/media/clip?sig=x', { audio: 'aac' })).toBe('/media/clip?sig=x&audio=aac');
  });
});
