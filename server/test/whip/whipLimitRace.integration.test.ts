import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { offer } from './offers.ts';
import '../../../tests/support/http.ts';

const post = async (url: string, token: string, body: string): Promise<number> =>
  (
    await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' },
      body,
    })
  ).status;

/** Offers that arrive together are counted against the per-device limits like ones in a row. */
describe('WHIP/WHEP session limits under concurrent offers', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ whip: { maxPublishersPerDevice: 1, maxViewersPerDevice: 2 } });
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('six concurrent WHIP offers for one device: one 201, five 409', async () => {
    const cam = await ts.mintWithId('camera');
    const url = `${ts.url}/whip/v1/devices/${cam.id}`;
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () => post(url, cam.token, offer())),
    );
    expect(statuses.sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect([...ts.server.whip.sessions.values()].filter((s) => s.kind === 'whip')).toHaveLength(1);
  });

  it('six concurrent WHEP offers for one camera: two 201, four 409', async () => {
    const cam = await ts.mintWithId('camera');
    expect(await post(`${ts.url}/whip/v1/devices/${cam.id}`, cam.token, offer())).toBe(201);
    const viewer = await ts.mint('viewer');
    const url = `${ts.url}/whep/v1/devices/${cam.id}`;
    const recv = offer().replace(/a=sendonly/g, 'a=recvonly');
    const statuses = await Promise.all(Array.from({ length: 6 }, () => post(url, viewer, recv)));
    expect(statuses.sort()).toEqual([201, 201, 409, 409, 409, 409]);
  });
});
