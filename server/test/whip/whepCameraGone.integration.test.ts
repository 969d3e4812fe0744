import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { offer } from './offers.ts';
import '../../../tests/support/http.ts';

async function post(url: string, token: string, body: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' },
    body,
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

/**
 * The camera stops (its WHIP session ends) while a WHEP viewer's session is being set up, at two
 * points: once the viewer's router exists (before the pipe from the camera), and once the
 * viewer's consumer exists (after it). Either way the viewer hears 404 (the camera is not live),
 * and neither a router nor a transport of the attempt stays behind.
 */
describe('WHEP while the camera goes away', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    await ts?.close();
  });

  for (const stage of ['router', 'consumer'] as const) {
    it(`answers 404 and leaves nothing behind when the camera stops at the viewer's ${stage}`, async () => {
      const cam = await ts.mintWithId('camera');
      const pub = await post(`${ts.url}/whip/v1/devices/${cam.id}`, cam.token, offer());
      expect(pub.status).toBe(201);
      const whip = [...ts.server.whip.sessions.values()].find((s) => s.s.deviceId === cam.id)!;
      const slot = ts.server.pool.slots[0]!;
      const room = ts.server.rooms.rooms.get(ts.siteId)!;
      const routersBefore = (await slot.worker.dump()).routerIds;

      const cameraStops = (): void => whip.s.close();
      slot.worker.observer.once('newrouter', (router: types.Router) => {
        if (stage === 'router') return cameraStops();
        // The first transport of the viewer's router is its WebRTC transport (pipes come after).
        router.observer.once('newtransport', (t: types.Transport) =>
          t.observer.once('newconsumer', cameraStops),
        );
      });
      const view = await post(
        `${ts.url}/whep/v1/devices/${cam.id}`,
        await ts.mint('viewer'),
        offer().replace(/a=sendonly/g, 'a=recvonly'),
      );
      expect([view.status, JSON.parse(view.text)]).toEqual([
        404,
        { error: { code: 'NOT_FOUND', message: expect.stringMatching(/live stream/) } },
      ]);
      expect(ts.server.whip.sessions.size).toBe(0);
      // No router of the attempt is left (the room's own may have closed with its last member).
      const routersAfter = (await slot.worker.dump()).routerIds;
      expect(routersAfter.filter((id) => !routersBefore.includes(id))).toEqual([]);
      expect(slot.routers).toBe(routersAfter.length);
      if (!room.closed) expect((await room.router.dump()).transportIds).toEqual([]);
    });
  }
});
