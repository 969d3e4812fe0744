import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTurnConfig } from '../../../tests/support/ports.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import '../../../tests/support/http.ts';
import { offer } from './offers.ts';

/** RFC 9725 4.6: the 201 carries our STUN/TURN servers, TURN with short-lived credentials. */
describe('WHIP Link headers with the managed TURN server', () => {
  let ts: TestServer;

  beforeAll(async () => {
    ts = await startTestServer({ turn: await testTurnConfig() });
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('lists stun: and turn: URLs; the TURN credential is one coturn accepts (HMAC of its secret)', async () => {
    const { token, id } = await ts.mintWithId('camera');
    const res = await fetch(`${ts.url}/whip/v1/devices/${id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' },
      body: offer(),
    });
    expect(res.status).toBe(201);
    const link = res.headers.get('link') ?? '';
    const values = link.split(/,\s*(?=<)/);
    expect(values.some((v) => /^<stun:127\.0\.0\.1:\d+>; rel="ice-server"$/.test(v))).toBe(true);
    const turn = values.find((v) => v.startsWith('<turn:') && v.includes('transport=udp'));
    expect(turn).toMatch(
      /; rel="ice-server"; username="[^"]+"; credential="[^"]+"; credential-type="password"$/,
    );
    const username = /username="([^"]+)"/.exec(turn!)![1]!;
    const credential = /credential="([^"]+)"/.exec(turn!)![1]!;
    // Bound to who and where: the device and its site.
    expect(username).toContain(`device.${id}.${ts.siteId}`);
    const secret = fs
      .readFileSync(path.join(ts.server.config.dataDir, 'secrets', 'turn-secret'), 'utf8')
      .trim();
    expect(credential).toBe(createHmac('sha1', secret).update(username).digest('base64'));
    await fetch(new URL(res.headers.get('location')!, ts.url), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
  });
});
