import fs from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlaylist } from '../../src/recording/playback/llhls.testSupport.ts';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { decodeFrames, fragments, startCamera, tempFile, until } from './support.ts';

/** GET over HTTP/2 (ALPN h2) with node:http2: status, body and the negotiated protocol. */
async function h2Get(
  base: string,
  path: string,
): Promise<{ status: number; body: string; alpn: string | false | undefined }> {
  const session = http2.connect(base, { rejectUnauthorized: false });
  try {
    return await new Promise((resolve, reject) => {
      session.once('error', reject);
      const req = session.request({ ':path': path });
      let status = 0;
      let body = '';
      req.on('response', (h) => (status = Number(h[':status'])));
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => resolve({ status, body, alpn: session.alpnProtocol }));
      req.on('error', reject);
      req.end();
    });
  } finally {
    session.close();
  }
}

/** GET over HTTP/1.1 (no ALPN h2 offered): status and HTTP version. */
function h1Get(url: string): Promise<{ status: number; version: string; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, version: res.httpVersion, body }),
        );
      })
      .on('error', reject);
  });
}

describe('Low-Latency HLS over HTTP/2', () => {
  let ts: TestServer;
  let owner: string;
  let cam: Awaited<ReturnType<typeof startCamera>>;
  let live: string;
  let base: string;

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    owner = await ts.mint('viewer', { siteRole: 'owner' });
    cam = await startCamera(ts);
    await until(
      '2 segments',
      async () => (await fragments(ts, owner, ts.siteId, cam.deviceId)).length >= 2 || undefined,
      60_000,
    );
    const pb = await api<{ live: string }>(
      ts.url,
      'POST',
      `/api/v1/sites/${ts.siteId}/devices/${cam.deviceId}/recording/playback`,
      { token: owner, body: {} },
    );
    expect(pb.status).toBe(200);
    live = pb.body.live;
    base = live.replace('live.m3u8', '');
  });
  afterAll(async () => {
    cam?.stop();
    await ts?.close();
  });

  it('live.m3u8 is an LL-HLS playlist: parts of the segment being written and a preload hint', async () => {
    const p = await until('parts in the live playlist', async () => {
      const q = parsePlaylist(await (await fetch(`${ts.url}${live}`)).text());
      return q.trailingParts.length > 0 && q.hint ? q : undefined;
    });
    expect(p.tag('EXT-X-SERVER-CONTROL')!.attrs['CAN-BLOCK-RELOAD']).toBe('YES');
    const target = Number(p.tag('EXT-X-PART-INF')!.attrs['PART-TARGET']);
    // RFC 8216bis: every part at most the part target; all but a segment's last >= 85 % of it.
    for (const s of [...p.segments, { parts: p.trailingParts }]) {
      for (const [i, part] of s.parts.entries()) {
        expect(part.duration).toBeLessThanOrEqual(target);
        if (i < s.parts.length - 1 && 'uri' in s)
          expect(part.duration).toBeGreaterThanOrEqual(0.85 * target);
      }
    }
    // Full segments stay listed for players that ignore LL-HLS.
    expect(p.segments.length).toBeGreaterThanOrEqual(1);
    const open = /part\/(\d+)\.(\d+)\.m4s/.exec(p.trailingParts[0]!.uri)!;
    const lastSeg = Number(/seg\/(\d+)\.m4s/.exec(p.segments[p.segments.length - 1]!.uri)![1]);
    expect(Number(open[1])).toBe(lastSeg + 1);
    expect(p.trailingParts[0]!.independent).toBe(true);
    expect(p.hint).toBe(`part/${open[1]}.${p.trailingParts.length}.m4s`);
  });

  it('a blocking reload returns once the next part exists; the hinted part is served when written', async () => {
    const p = parsePlaylist(await (await fetch(`${ts.url}${live}`)).text());
    const [, msn, part] = /part\/(\d+)\.(\d+)\.m4s/.exec(p.hint!)!;
    const t0 = Date.now();
    const [reload, hinted] = await Promise.all([
      fetch(`${ts.url}${live}?_HLS_msn=${msn}&_HLS_part=${part}`),
      fetch(`${ts.url}${base}${p.hint}`),
    ]);
    const waitedMs = Date.now() - t0;
    expect(reload.status).toBe(200);
    const next = parsePlaylist(await reload.text());
    const listed = [...next.segments.flatMap((s) => s.parts), ...next.trailingParts].map(
      (x) => x.uri,
    );
    // The part asked for, or (when it closed its segment) the segment itself.
    expect(listed.includes(p.hint!) || next.segments.some((s) => s.uri === `seg/${msn}.m4s`)).toBe(
      true,
    );
    expect(hinted.status).toBe(200);
    const bytes = Buffer.from(await hinted.arrayBuffer());
    expect(bytes.includes(Buffer.from('moof'))).toBe(true);
    // A part is ~0.5 s of media: the wait is about that, never the 3 target durations bound.
    expect(waitedMs).toBeLessThan(3_000);
  });

  it('the parts of a listed segment decode (init + parts, as a player appends them)', async () => {
    const p = await until('a segment listed with its parts', async () => {
      const q = parsePlaylist(await (await fetch(`${ts.url}${live}`)).text());
      return q.segments.some((s) => s.parts.length >= 2) ? q : undefined;
    });
    const map = p.lines.filter((l) => l.tag === 'EXT-X-MAP').pop()!.attrs['URI']!;
    const seg = p.segments.findLast((s) => s.parts.length >= 2)!;
    const chunks = [Buffer.from(await (await fetch(`${ts.url}${base}${map}`)).arrayBuffer())];
    for (const part of seg.parts) {
      const r = await fetch(`${ts.url}${base}${part.uri}`);
      expect(r.status).toBe(200);
      chunks.push(Buffer.from(await r.arrayBuffer()));
    }
    const file = tempFile('parts.mp4', Buffer.concat(chunks));
    try {
      // 320x240 at ~30 fps: well over one frame per part.
      expect(await decodeFrames(file)).toBeGreaterThanOrEqual(seg.parts.length);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('bad blocking-reload queries are refused with a clear 400', async () => {
    const cases: [string, RegExp][] = [
      ['?_HLS_part=1', /_HLS_part requires _HLS_msn/],
      ['?_HLS_msn=-1', /non-negative integer/],
      ['?_HLS_msn=abc', /non-negative integer/],
      ['?_HLS_msn=1&_HLS_part=1.5', /non-negative integer/],
      ['?_HLS_msn=1&foo=2', /foo|unrecognized/i],
      ['?_HLS_msn=999999999', /too far/],
    ];
    for (const [query, message] of cases) {
      const r = await fetch(`${ts.url}${live}${query}`);
      expect(r.status, query).toBe(400);
      const body = (await r.json()) as { error: { message: string } };
      expect(body.error.message, query).toMatch(message);
    }
  });

  it('a tampered token is refused on the blocking playlist and on parts (401)', async () => {
    const token = base.split('/')[2]!;
    const bad = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    for (const path of ['live.m3u8?_HLS_msn=1&_HLS_part=0', 'part/1.0.m4s']) {
      expect((await fetch(`${ts.url}/media/${bad}/${path}`)).status, path).toBe(401);
    }
  });

  it('HTTP/2 (ALPN h2) gets the playlist; an HTTP/1.1 client still does', async () => {
    const h2 = await h2Get(ts.url, live);
    expect(h2.alpn).toBe('h2');
    expect(h2.status).toBe(200);
    expect(h2.body).toMatch(/^#EXTM3U/);
    expect(h2.body).toContain('#EXT-X-PART-INF');
    const h1 = await h1Get(`${ts.url}${live}`);
    expect(h1.version).toBe('1.1');
    expect(h1.status).toBe(200);
    expect(h1.body).toContain('#EXT-X-PART-INF');
  });
});
