import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PorchlightClient } from '@porchlight/sdk';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import '../../../tests/support/http.ts';
import { installWrtcGlobals } from '../../../tests/support/wrtc.ts';
import { offer } from './offers.ts';

installWrtcGlobals();

async function req(
  url: string,
  method: string,
  o: { token?: string; body?: string; type?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers['authorization'] = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = o.type ?? 'application/sdp';
  const res = await fetch(url, {
    method,
    headers,
    ...(o.body !== undefined ? { body: o.body } : {}),
  });
  const text = await res.text();
  let json: { error?: { code: string; message: string } } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

describe('WHIP/WHEP HTTP contract (RFC 9725)', () => {
  let ts: TestServer;
  let camera: { token: string; id: string };
  let whip: string;

  beforeAll(async () => {
    ts = await startTestServer();
    camera = await ts.mintWithId('camera', { label: 'Porch' });
    whip = `${ts.url}/whip/v1/devices/${camera.id}`;
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('OPTIONS answers with Accept-Post, Allow and CORS headers for any origin', async () => {
    const r = await req(whip, 'OPTIONS', { headers: { origin: 'https://elsewhere.example' } });
    expect(r.status).toBe(204);
    expect(r.headers.get('accept-post')).toBe('application/sdp');
    expect(r.headers.get('allow')).toContain('POST');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(r.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(r.headers.get('access-control-allow-headers')).toMatch(/If-Match/);
  });

  it('GET and PUT are 405 with Allow', async () => {
    for (const method of ['GET', 'PUT']) {
      const r = await req(whip, method, { token: camera.token });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('OPTIONS, POST');
    }
  });

  it('refuses missing and bad tokens (401) and other devices (403)', async () => {
    expect((await req(whip, 'POST', { body: offer() })).status).toBe(401);
    const bad = await req(whip, 'POST', { token: 'not-a-token', body: offer() });
    expect(bad.status).toBe(401);
    // Another camera of the same site may not publish as this one.
    const other = await ts.mint('camera', { label: 'Other' });
    expect((await req(whip, 'POST', { token: other, body: offer() })).status).toBe(403);
    // Another site's owner may not watch it; an unknown device is 403 too, not 404.
    const stranger = await ts.mint('viewer', { siteId: crypto.randomUUID() });
    const whep = `${ts.url}/whep/v1/devices/${camera.id}`;
    expect((await req(whep, 'POST', { token: stranger, body: offer() })).status).toBe(403);
    const unknown = `${ts.url}/whip/v1/devices/00000000-0000-4000-8000-000000000000`;
    expect((await req(unknown, 'POST', { token: camera.token, body: offer() })).status).toBe(403);
    // A viewer (owner) may watch but not publish.
    const owner = await ts.mint('viewer');
    expect((await req(whip, 'POST', { token: owner, body: offer() })).status).toBe(403);
  });

  it('API keys: an admin key scoped to stream:publish may publish; an owner key only watch', async () => {
    const keys = ts.server.identity.apiKeys;
    const adminId = await ts.createPerson({
      email: 'admin@example.com',
      password: 'admin-password-1',
      isAdmin: true,
    });
    const publishKey = (
      await keys.create(adminId, { name: 'encoder', scopes: ['stream:publish'], siteId: null })
    ).key;
    const cam = await ts.mintWithId('camera', { label: 'Encoder' });
    const url = `${ts.url}/whip/v1/devices/${cam.id}`;
    const ok = await req(url, 'POST', { token: publishKey, body: offer() });
    expect(ok.status).toBe(201);
    await req(`${ts.url}${ok.headers.get('location')}`, 'DELETE', { token: publishKey });
    // Owners hold no stream:publish (only devices do), so neither do their keys.
    const ownerId = await ts.createPerson({
      email: 'owner-keys@example.com',
      password: 'owner-password-1',
      siteRole: 'owner',
    });
    const viewKey = (
      await keys.create(ownerId, { name: 'nvr', scopes: ['stream:view-live'], siteId: ts.siteId })
    ).key;
    expect((await req(url, 'POST', { token: viewKey, body: offer() })).status).toBe(403);
    // A guest limited to another device may not watch this one.
    const other = await ts.mintWithId('camera', { label: 'Other' });
    const guest = await ts.mint('viewer', { siteRole: 'guest', deviceIds: [other.id] });
    const whep = `${ts.url}/whep/v1/devices/${cam.id}`;
    expect((await req(whep, 'POST', { token: guest, body: offer() })).status).toBe(403);
  });

  it('415 for a wrong content type, 400 BAD_SDP for garbage, 406 for codecs we cannot take', async () => {
    const json = await req(whip, 'POST', {
      token: camera.token,
      body: JSON.stringify({ sdp: offer() }),
      type: 'application/json',
    });
    expect(json.status).toBe(415);
    expect(json.headers.get('access-control-allow-origin')).toBe('*');
    // A type no parser takes, and a body over the limit: fastify's own answers, with CORS too.
    const xml = await req(whip, 'POST', { token: camera.token, body: '<x/>', type: 'text/xml' });
    expect(xml.status).toBe(415);
    expect(xml.headers.get('access-control-allow-origin')).toBe('*');
    const huge = await req(whip, 'POST', { token: camera.token, body: 'v=0\r\n'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('access-control-allow-origin')).toBe('*');
    const garbage = await req(whip, 'POST', { token: camera.token, body: 'hello\r\nworld' });
    expect(garbage.status).toBe(400);
    expect(garbage.json?.error?.code).toBe('BAD_SDP');
    expect(garbage.json?.error?.message).toMatch(/line 1/);
    const noIce = await req(whip, 'POST', {
      token: camera.token,
      body: offer().replace(/a=ice-ufrag:.*\r\n/, ''),
    });
    expect(noIce.status).toBe(400);
    expect(noIce.json?.error?.message).toMatch(/ICE credentials/);
    const h265 = await req(whip, 'POST', {
      token: camera.token,
      body: offer({ audio: false, video: ['98 H265/90000'] }),
    });
    expect(h265.status).toBe(406);
    expect(h265.json?.error?.code).toBe('UNSUPPORTED_CODEC');
    expect(h265.json?.error?.message).toMatch(/video\/H265/);
    expect(h265.json?.error?.message).toMatch(/VP8/);
    const madeUp = await req(whip, 'POST', {
      token: camera.token,
      body: offer({ audio: false, video: ['100 FOO/90000'] }),
    });
    expect(madeUp.status).toBe(406);
    // H264 but not packetization-mode 1 / Constrained Baseline: refused as well.
    const h264High = await req(whip, 'POST', {
      token: camera.token,
      body: offer({ audio: false, video: ['102 H264/90000'] }).replace(
        'a=rtpmap:102 H264/90000',
        'a=rtpmap:102 H264/90000\r\na=fmtp:102 packetization-mode=1;profile-level-id=640c1f',
      ),
    });
    expect(h264High.status).toBe(406);
  });

  it('takes a max-bundle offer: 201, answer, Location, ETag; PATCH trickle, restart, 422, 412; DELETE', async () => {
    const viewer = new PorchlightClient({
      url: ts.url,
      token: await ts.mint('viewer'),
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    await viewer.connect();
    try {
      const r = await req(whip, 'POST', {
        token: camera.token,
        body: offer({ video: ['96 VP8/90000', '98 H265/90000'] }),
      });
      expect(r.status).toBe(201);
      expect(r.headers.get('content-type')).toMatch(/application\/sdp/);
      const location = r.headers.get('location')!;
      expect(location).toMatch(/^\/whip\/v1\/sessions\/[A-Za-z0-9_-]+$/);
      const etag = r.headers.get('etag')!;
      expect(etag).toMatch(/^".+"$/);
      // Audio and the bundle-only video are both taken, VP8 chosen (H265 dropped), one BUNDLE.
      expect(r.text).toMatch(/a=group:BUNDLE 0 1\r\n/);
      expect(r.text).toMatch(/m=video 9 UDP\/TLS\/RTP\/SAVPF 96\r\n/);
      expect(r.text).toMatch(/a=rtpmap:111 opus\/48000\/2/);
      expect(r.text).toMatch(/a=setup:passive/);
      expect(r.text).toMatch(/a=recvonly/);
      expect(r.text).toMatch(/a=candidate:/);
      // The room now has the camera: viewers are told.
      const until = Date.now() + 10_000;
      while (!viewer.producers.some((p) => p.deviceId === camera.id) && Date.now() < until)
        await new Promise((res) => setTimeout(res, 50));
      expect(
        viewer.producers
          .filter((p) => p.deviceId === camera.id)
          .map((p) => p.kind)
          .sort(),
      ).toEqual(['audio', 'video']);

      const session = `${ts.url}${location}`;
      const trickle =
        'a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\na=end-of-candidates\r\n';
      const frag = { token: camera.token, type: 'application/trickle-ice-sdpfrag' };
      expect(
        (await req(session, 'PATCH', { ...frag, body: trickle, headers: { 'if-match': etag } }))
          .status,
      ).toBe(204);
      // Clients that send ETag instead of If-Match (@eyevinn/whip-web-client) are tolerated.
      expect(
        (await req(session, 'PATCH', { ...frag, body: trickle, headers: { etag } })).status,
      ).toBe(204);
      expect(
        (
          await req(session, 'PATCH', {
            ...frag,
            body: trickle,
            headers: { 'if-match': '"stale"' },
          })
        ).status,
      ).toBe(412);
      const nothing = await req(session, 'PATCH', {
        ...frag,
        body: 'a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n',
      });
      expect(nothing.status).toBe(422);
      expect(nothing.json?.error?.code).toBe('UNSUPPORTED_PATCH');
      expect((await req(session, 'PATCH', { token: camera.token, body: trickle })).status).toBe(
        415,
      );
      const restart = await req(session, 'PATCH', {
        ...frag,
        body: 'a=ice-ufrag:efgh\r\na=ice-pwd:zyxwvutsrqponmlkjihgfedc\r\n',
        headers: { 'if-match': '*' },
      });
      expect(restart.status).toBe(200);
      expect(restart.headers.get('content-type')).toMatch(/trickle-ice-sdpfrag/);
      const newEtag = restart.headers.get('etag')!;
      expect(newEtag).not.toBe(etag);
      const oldUfrag = /a=ice-ufrag:(\S+)/.exec(r.text)![1];
      const newUfrag = /a=ice-ufrag:(\S+)/.exec(restart.text)![1];
      expect(newUfrag).toBeTruthy();
      expect(newUfrag).not.toBe(oldUfrag);
      expect(restart.text).toMatch(/a=candidate:/);
      // A trickle for the old ICE session after the restart is refused.
      expect(
        (await req(session, 'PATCH', { ...frag, body: trickle, headers: { 'if-match': newEtag } }))
          .status,
      ).toBe(422);

      // Only its publisher may end it; GET on the session is 405.
      const other = await ts.mint('viewer');
      expect((await req(session, 'DELETE', { token: other })).status).toBe(403);
      expect((await req(session, 'GET', { token: camera.token })).status).toBe(405);
      expect((await req(session, 'DELETE', { token: camera.token })).status).toBe(200);
      const gone = Date.now() + 10_000;
      while (viewer.producers.some((p) => p.deviceId === camera.id) && Date.now() < gone)
        await new Promise((res) => setTimeout(res, 50));
      expect(viewer.producers.some((p) => p.deviceId === camera.id)).toBe(false);
      expect((await req(session, 'DELETE', { token: camera.token })).status).toBe(404);
    } finally {
      viewer.close();
    }
  });

  it('takes audio-only and video-only offers; WHEP of a camera that is not live is 404', async () => {
    const audio = await req(whip, 'POST', { token: camera.token, body: offer({ video: [] }) });
    expect(audio.status).toBe(201);
    expect(audio.text).toMatch(/m=audio 9 /);
    await req(`${ts.url}${audio.headers.get('location')}`, 'DELETE', { token: camera.token });
    const video = await req(whip, 'POST', { token: camera.token, body: offer({ audio: false }) });
    expect(video.status).toBe(201);
    expect(video.text).toMatch(/m=video 9 /);
    await req(`${ts.url}${video.headers.get('location')}`, 'DELETE', { token: camera.token });
    const whep = await req(`${ts.url}/whep/v1/devices/${camera.id}`, 'POST', {
      token: await ts.mint('viewer'),
      body: offer().replace(/a=sendonly/g, 'a=recvonly'),
    });
    expect(whep.status).toBe(404);
  });

  it('removing the device ends its WHIP session at once (its producers close)', async () => {
    const cam = await ts.mintWithId('camera', { label: 'Shed' });
    const r = await req(`${ts.url}/whip/v1/devices/${cam.id}`, 'POST', {
      token: cam.token,
      body: offer(),
    });
    expect(r.status).toBe(201);
    const room = ts.server.rooms.rooms.get(ts.siteId)!;
    expect(room.producersOfDevice(cam.id)).toHaveLength(2);
    const owner = await ts.mint('viewer');
    const removed = await req(`${ts.url}/api/v1/sites/${ts.siteId}/devices/${cam.id}`, 'DELETE', {
      token: owner,
    });
    expect(removed.status).toBeLessThan(300);
    const until = Date.now() + 10_000;
    while (room.producersOfDevice(cam.id).length > 0 && Date.now() < until)
      await new Promise((res) => setTimeout(res, 50));
    expect(room.producersOfDevice(cam.id)).toHaveLength(0);
    expect([...ts.server.whip.sessions.values()].some((s) => s.s.deviceId === cam.id)).toBe(false);
    // And the removed device cannot publish again.
    const again = await req(`${ts.url}/whip/v1/devices/${cam.id}`, 'POST', {
      token: cam.token,
      body: offer(),
    });
    expect(again.status).toBe(401);
  });
});

describe('WHIP config (whip.*)', () => {
  it('whip.maxPublishersPerDevice caps sessions (409); whip.enabled=false removes the endpoints', async () => {
    const ts = await startTestServer({ whip: { maxPublishersPerDevice: 1 } });
    try {
      const cam = await ts.mintWithId('camera');
      const url = `${ts.url}/whip/v1/devices/${cam.id}`;
      expect((await req(url, 'POST', { token: cam.token, body: offer() })).status).toBe(201);
      const second = await req(url, 'POST', { token: cam.token, body: offer() });
      expect(second.status).toBe(409);
      expect(second.json?.error?.message).toMatch(/too many WHIP sessions/);
    } finally {
      await ts.close();
    }
    const off = await startTestServer({ whip: { enabled: false } });
    try {
      const cam = await off.mintWithId('camera');
      const r = await req(`${off.url}/whip/v1/devices/${cam.id}`, 'POST', {
        token: cam.token,
        body: offer(),
      });
      expect(r.status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('a session whose client never connects ends after whip.connectTimeoutMs (device offline)', async () => {
    const ts = await startTestServer({ whip: { connectTimeoutMs: 1000 } });
    try {
      const cam = await ts.mintWithId('camera');
      const r = await req(`${ts.url}/whip/v1/devices/${cam.id}`, 'POST', {
        token: cam.token,
        body: offer(),
      });
      expect(r.status).toBe(201);
      expect(ts.server.whip.sessions.size).toBe(1);
      const until = Date.now() + 10_000;
      while (ts.server.whip.sessions.size > 0 && Date.now() < until)
        await new Promise((res) => setTimeout(res, 50));
      expect(ts.server.whip.sessions.size).toBe(0);
      const room = ts.server.rooms.rooms.get(ts.siteId);
      expect(room?.producersOfDevice(cam.id) ?? []).toHaveLength(0);
      const end = Date.now() + 5_000;
      while ((await ts.server.store.devices.get(cam.id))!.online && Date.now() < end)
        await new Promise((res) => setTimeout(res, 50));
      expect((await ts.server.store.devices.get(cam.id))!.online).toBe(false);
    } finally {
      await ts.close();
    }
  });
});
