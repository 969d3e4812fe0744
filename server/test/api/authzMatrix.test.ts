/**
 * Authorization matrix, generated from the route table and the socket request table: every
 * route × principal (and every socket request × principal) is exercised against the real server
 * and must be allowed or denied exactly as the expectation table below says. A new route or event
 * without an entry here fails the test. The rows (an example request per route) are in authz/rows/,
 * one file per resource; who may do what is in authz/principals.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_NAMES } from '@porchlight/protocol';
import { routes } from '../../src/api/routes/index.ts';
import { api } from '../../../tests/support/http.ts';
import {
  connectRaw,
  fakeVp8RtpParameters,
  vp8RtpCapabilities,
} from '../../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { ALLOWED, EVERYONE, PUBLIC, type Who } from './authz/principals.ts';
import { AUTHENTICATED, EXAMPLES } from './authz/rows/index.ts';
import { makeWorld, type Example, type World } from './authz/world.ts';

function expectedAllowed(route: (typeof routes)[number], who: Who): boolean {
  const key = `${route.method} ${route.path}`;
  if (route.auth === 'public') return true;
  // Visitor routes take a visitor credential only; a visitor credential nothing else.
  if (route.auth === 'visitor') return who === 'visitorA';
  // Detector host routes take the host's token only (server/test/detection/hostScope.integration.test.ts).
  if (route.auth === 'detector') return false;
  if (who === 'visitorA') return false;
  if (route.auth === 'authenticated') return AUTHENTICATED[key]!.includes(who);
  return ALLOWED[route.auth.action].includes(who);
}

/** A refused credential of the wrong kind is 401; a refused action of a valid one, 403. */
function deniedStatus(route: (typeof routes)[number], who: Who): number {
  return route.auth === 'visitor' || route.auth === 'detector' || who === 'visitorA' ? 401 : 403;
}

describe('authorization matrix', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('every route has a policy and an example, and public routes are the listed ones', () => {
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (r.auth === 'public')
        expect(PUBLIC.has(key), `${key} is public but not listed`).toBe(true);
      else if (r.auth === 'authenticated')
        expect(AUTHENTICATED[key], `${key} has no expectation`).toBeDefined();
      else if (r.auth === 'visitor' || r.auth === 'detector')
        expect(EXAMPLES[key], `${key} has no example request`).toBeDefined();
      else {
        expect(ALLOWED[r.auth.action], `${key} uses unknown action`).toBeDefined();
        expect(EXAMPLES[key], `${key} has no example request`).toBeDefined();
      }
    }
  });

  for (const route of routes.filter((r) => r.auth !== 'public')) {
    const key = `${route.method} ${route.path}`;
    it(`${key}`, async () => {
      const w = await makeWorld(ts);
      // Denied principals first: an allowed one may change the world (e.g. delete the site).
      const order = [...EVERYONE].sort(
        (a, b) => Number(expectedAllowed(route, a)) - Number(expectedAllowed(route, b)),
      );
      for (const who of order) {
        if (route.path === '/api/v1/api-keys/:keyId' && who !== 'anonymous') {
          // Each person deletes a key of their own; keys/devices try someone else's.
          const p = await ts.server.identity.authenticator
            .authenticate(w.tokens[who]!)
            .catch(() => undefined);
          const holder = p?.kind === 'account' ? p.id : w.otherAccount;
          w.keyOfCaller = (
            await ts.server.identity.apiKeys.create(holder, {
              name: 'x',
              scopes: ['site:read'],
              siteId: null,
            })
          ).record.id;
        }
        const ex: ReturnType<Example> = (EXAMPLES[key] ?? (() => ({ path: route.path })))(w);
        const res = await api(ts.url, route.method, ex.path, {
          ...(w.tokens[who] ? { token: w.tokens[who] } : {}),
          ...(ex.body !== undefined ? { body: ex.body } : {}),
          ...(ex.raw !== undefined ? { rawBody: ex.raw.data, contentType: ex.raw.type } : {}),
        });
        const label = `${key} as ${who} -> ${res.status} ${String(JSON.stringify(res.body)).slice(0, 200)}`;
        if (who === 'anonymous') expect(res.status, label).toBe(401);
        else if (expectedAllowed(route, who)) {
          expect([401, 403], label).not.toContain(res.status);
          expect(res.status, label).toBeLessThan(500);
        } else expect(res.status, label).toBe(deniedStatus(route, who));
      }
    });
  }
});

/** Socket requests × principals. Every protocol event needs a row. */
describe('socket authorization matrix', () => {
  let ts: TestServer;
  let w: World;
  beforeAll(async () => {
    ts = await startTestServer();
    w = await makeWorld(ts);
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('every protocol request is covered', () => {
    // join: below; media requests: produce/consume/talk below, and every other request only
    // touches the caller's own objects (other ids are NOT_FOUND: signaling.badInput.test.ts).
    const covered = new Set([
      'join',
      'getIceServers',
      'createTransport',
      'connectTransport',
      'restartIce',
      'closeTransport',
      'produce',
      'closeProducer',
      'pauseProducer',
      'resumeProducer',
      'consume',
      'resumeConsumer',
      'closeConsumer',
      'setConsumerLayers',
    ]);
    for (const name of REQUEST_NAMES)
      expect(covered.has(name), `${name} has no authorization case`).toBe(true);
  });

  it('join: site access decides; devices join only their own site', async () => {
    for (const who of EVERYONE.filter((x) => x !== 'anonymous')) {
      const c = await connectRaw(ts.url, w.tokens[who]);
      const res = await c.request('join', { siteId: w.siteA });
      const may = ALLOWED['site:read'].includes(who) || who === 'deviceA1';
      expect(res.ok, `join site A as ${who}`).toBe(may);
      if (!res.ok) expect(res.error.code).toBe('FORBIDDEN');
      // ICE servers (TURN credentials) only for a joined peer.
      const ice = await c.request('getIceServers', {});
      expect(ice.ok === false ? ice.error.code : 'ok', `getIceServers as ${who}`).toBe(
        may ? 'ok' : 'CONFLICT',
      );
      c.close();
    }
    await expect(connectRaw(ts.url, undefined)).rejects.toThrow(/UNAUTHORIZED/);
  });

  it("join of a doorbell call's room: those who may answer the door, and that call's visitor", async () => {
    for (const who of EVERYONE.filter((x) => x !== 'anonymous')) {
      const c = await connectRaw(ts.url, w.tokens[who]);
      const res = await c.request<{ role: string }>('join', { callId: w.callA });
      const may = ALLOWED['call:answer'].includes(who) || who === 'visitorA';
      expect(res.ok, `join call as ${who}`).toBe(may);
      if (res.ok) expect(res.data.role).toBe(who === 'visitorA' ? 'visitor' : 'callee');
      else expect(res.error.code).toBe('FORBIDDEN');
      c.close();
    }
  });

  it('produce / consume / talk follow the device-level policy', async () => {
    // The real camera A1 publishes; camera A2 too (A2 is outside the guest's scope).
    const cams: Record<string, { producerId: string; peerId: string }> = {};
    const clients = [];
    for (const [name, token] of [
      ['A1', w.tokens.deviceA1!],
      ['A2', await ts.mint('camera', { siteId: w.siteA, label: 'Side' })],
    ] as const) {
      const c = await connectRaw(ts.url, token);
      clients.push(c);
      const j = await c.request<{ peerId: string }>('join', {});
      expect(j.ok).toBe(true);
      const t = await c.request<{ id: string }>('createTransport', { direction: 'send' });
      if (!t.ok) throw new Error(t.error.message);
      const p = await c.request<{ producerId: string }>('produce', {
        transportId: t.data.id,
        kind: 'video',
        source: 'camera',
        rtpParameters: fakeVp8RtpParameters(name === 'A1' ? 1 : 2),
      });
      if (!p.ok || !j.ok) throw new Error('publish failed');
      cams[name] = { producerId: p.data.producerId, peerId: j.data.peerId };
      // A camera may not publish talk-back, and may not consume another camera.
      const talk = await c.request('produce', {
        transportId: t.data.id,
        kind: 'audio',
        source: 'talkback',
        targetPeerId: j.data.peerId,
        rtpParameters: fakeVp8RtpParameters(9),
      });
      expect(talk.ok).toBe(false);
    }
    for (const who of [
      'admin',
      'ownerA',
      'memberA',
      'guestA',
      'installerA',
      'apikeyA',
      'ownerB',
    ] as Who[]) {
      const c = await connectRaw(ts.url, w.tokens[who]);
      const j = await c.request('join', { siteId: w.siteA });
      if (!j.ok) {
        expect(who).toBe('ownerB');
        c.close();
        continue;
      }
      const recv = await c.request<{ id: string }>('createTransport', { direction: 'recv' });
      if (!recv.ok) throw new Error(recv.error.message);
      for (const cam of ['A1', 'A2'] as const) {
        const res = await c.request('consume', {
          transportId: recv.data.id,
          producerId: cams[cam]!.producerId,
          rtpCapabilities: vp8RtpCapabilities,
        });
        const may = ALLOWED['stream:view-live'].includes(who) || (who === 'guestA' && cam === 'A1');
        expect(res.ok, `${who} consumes ${cam}`).toBe(may);
        if (!res.ok) expect(res.error.code).toBe('FORBIDDEN');
      }
      const send = await c.request<{ id: string }>('createTransport', { direction: 'send' });
      if (!send.ok) throw new Error(send.error.message);
      const talk = await c.request('produce', {
        transportId: send.data.id,
        kind: 'audio',
        source: 'talkback',
        targetPeerId: cams['A1']!.peerId,
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
          encodings: [{ ssrc: 777 }],
        },
      });
      expect(talk.ok, `${who} talks to A1`).toBe(ALLOWED['stream:talk'].includes(who));
      const cameraPub = await c.request('produce', {
        transportId: send.data.id,
        kind: 'video',
        source: 'camera',
        rtpParameters: fakeVp8RtpParameters(55),
      });
      expect(cameraPub.ok, `${who} publishes as a camera`).toBe(false);
      c.close();
    }
    for (const c of clients) c.close();
  });
});
