import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { offer } from './offers.ts';
import '../../../tests/support/http.ts';

const post = async (url: string, token: string) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' },
    body: offer(),
  });
  return { status: res.status, body: await res.text() };
};

/**
 * A device removed while its WHIP offer is being set up (after its token was checked, before the
 * session was listed): the revocation passed the session by, which then published on. It must
 * end, and the offer be refused.
 */
describe('a device revoked while its WHIP offer is set up', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('gets no session: the offer is refused and nothing of it publishes', async () => {
    // Another camera keeps the site's room open, so its router can be watched.
    const keeper = await ts.mintWithId('camera');
    expect((await post(`${ts.url}/whip/v1/devices/${keeper.id}`, keeper.token)).status).toBe(201);
    const room = ts.server.rooms.rooms.get(ts.siteId)!;
    const cam = await ts.mintWithId('camera');
    const { identity } = ts.server;
    let revoked: Promise<void> | undefined;
    // Revoked the way DELETE …/devices/:id does it, once the offer's transport exists.
    room.router.observer.once('newtransport', () => {
      revoked = identity.provisioning.revokeDevice(cam.id).then(() => {
        identity.events.safeEmit('principalChanged', { kind: 'device', id: cam.id });
      });
    });
    const r = await post(`${ts.url}/whip/v1/devices/${cam.id}`, cam.token);
    await revoked;
    expect(r.status).toBeGreaterThanOrEqual(401);
    expect(r.status).toBeLessThanOrEqual(403);
    expect([...ts.server.whip.sessions.values()].map((s) => s.s.deviceId)).toEqual([keeper.id]);
    expect(room.producersOfDevice(cam.id)).toEqual([]);
  });
});
