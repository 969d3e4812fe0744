import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlaylist } from '../../src/recording/playback/llhls.testSupport.ts';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { fragments, startCamera, until, type Fragment } from './support.ts';

/** Issue 16, finding 3: a thumbnails URL opens snapshots only; a ranged URL's live playlist stays in its range. */
describe('playback URL scopes', () => {
  let ts: TestServer;
  let owner: string;
  let cam: Awaited<ReturnType<typeof startCamera>>;
  let segs: Fragment[];
  const device = (): string => `/api/v1/sites/${ts.siteId}/devices/${cam.deviceId}/recording`;

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    owner = await ts.mint('viewer', { siteRole: 'owner' });
    cam = await startCamera(ts);
    segs = await until(
      '4 segments',
      async () => {
        const f = await fragments(ts, owner, ts.siteId, cam.deviceId);
        return f.length >= 4 ? f : undefined;
      },
      90_000,
    );
  }, 120_000);
  afterAll(async () => {
    cam?.stop();
    await ts?.close();
  });

  it('a thumbnail token opens snapshot.jpg but not vod.m3u8, a segment or live.m3u8', async () => {
    const from = segs[0]!.producerTime;
    const to = segs[segs.length - 1]!.producerTime + segs[segs.length - 1]!.durationMs;
    const r = await api<{ thumbnails: { at: number; url: string }[] }>(
      ts.url,
      'GET',
      `${device()}/thumbnails?from=${from}&to=${to}&count=2`,
      { token: owner },
    );
    expect(r.status).toBe(200);
    const url = r.body.thumbnails[0]!.url;
    const base = url.slice(0, url.indexOf('/snapshot.jpg'));
    const snap = await fetch(`${ts.url}${url}`);
    expect(snap.status).toBe(200);
    expect(snap.headers.get('content-type')).toBe('image/jpeg');
    for (const path of ['vod.m3u8', 'live.m3u8', `seg/${segs[0]!.seq}.m4s`, 'clip.mp4']) {
      expect((await api(ts.url, 'GET', `${base}/${path}`)).status, path).toBe(403);
    }
  });

  it('a ranged token lists and serves no live segment outside its range', async () => {
    const first = segs[1]!;
    const pb = await api<{ live: string }>(ts.url, 'POST', `${device()}/playback`, {
      token: owner,
      body: { from: first.producerTime, to: first.producerTime + first.durationMs },
    });
    expect(pb.status).toBe(200);
    const live = await api<string>(ts.url, 'GET', pb.body.live);
    expect(live.status).toBe(200);
    const listed = parsePlaylist(live.body).segments.map((s) => s.uri);
    expect(listed).toEqual([`seg/${first.seq}.m4s`]);
    expect(live.body).not.toMatch(/EXT-X-PART:|EXT-X-PRELOAD-HINT/);
    const base = pb.body.live.replace('live.m3u8', '');
    expect((await api(ts.url, 'GET', `${base}seg/${first.seq}.m4s`)).status).toBe(200);
    expect((await api(ts.url, 'GET', `${base}seg/${segs[3]!.seq}.m4s`)).status).toBe(404);
  });
});
