/**
 * The 24 h playlist over HTTPS on the running server: GET vod.m3u8 of a day of rows.
 */
import { api } from '../../tests/support/http.ts';
import { summarize, type Summary } from '../lib/stats.ts';
import { insertDay } from './playlist.ts';
import type { Ctx } from './stepTypes.ts';

export interface HttpPlaylistResult {
  ms: Summary;
  bytes: number;
  segmentsListed: number;
}

export async function httpPlaylist(ctx: Ctx, deviceId: string): Promise<HttpPlaylistResult> {
  const day = await insertDay(ctx.service.index, { deviceId, siteId: ctx.ts.siteId });
  const viewer = await ctx.ts.mint('viewer');
  const pb = await api<{ vod: string }>(
    ctx.ts.url,
    'POST',
    `/api/v1/sites/${ctx.ts.siteId}/devices/${deviceId}/recording/playback`,
    { token: viewer, body: { from: day.from, to: day.to } },
  );
  if (pb.status !== 200) throw new Error(`playback: ${pb.status} ${JSON.stringify(pb.body)}`);
  const times: number[] = [];
  let bytes = 0;
  let listed = 0;
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const res = await fetch(`${ctx.ts.url}${pb.body.vod}`);
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`vod.m3u8: ${res.status}`);
    if (i > 0) times.push(ms); // the first warms the authorization cache and statements
    bytes = Buffer.byteLength(text);
    listed = (text.match(/#EXTINF/g) ?? []).length;
  }
  return { ms: summarize(times), bytes, segmentsListed: listed };
}
