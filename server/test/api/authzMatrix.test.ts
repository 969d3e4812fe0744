/**
 * Authorization matrix, generated from the route table and the socket request table: every
 * route × principal (and every socket request × principal) is exercised against the real server
 * and must be allowed or denied exactly as the expectation table below says. A new route or event
 * without an entry here fails the test.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_NAMES } from '@porchlight/protocol';
import { routes } from '../../src/api/routes/index.ts';
import type { Action } from '../../src/identity/authorization/actions.ts';
import { api } from '../../../tests/support/http.ts';
import {
  connectRaw,
  fakeVp8RtpParameters,
  vp8RtpCapabilities,
} from '../../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

type Who =
  | 'anonymous'
  | 'admin'
  | 'ownerA'
  | 'memberA'
  | 'guestA'
  | 'installerA'
  | 'ownerB'
  | 'deviceA1'
  | 'apikeyA';
const EVERYONE: Who[] = [
  'anonymous',
  'admin',
  'ownerA',
  'memberA',
  'guestA',
  'installerA',
  'ownerB',
  'deviceA1',
  'apikeyA',
];

/**
 * Who may do each action on site A or its device A2 (the guest is limited to device A1, the API
 * key of ownerA to stream:view-live + site:read on site A). Written by hand on purpose: it is the
 * specification the policy code is checked against, not derived from it.
 */
const ALLOWED: Record<Action, Who[]> = {
  'stream:publish': ['admin', 'deviceA1'],
  'stream:view-live': ['admin', 'ownerA', 'memberA', 'installerA', 'apikeyA'],
  'stream:view-recording': ['admin', 'ownerA', 'memberA'],
  'stream:talk': ['admin', 'ownerA', 'memberA'],
  'recording:manage': ['admin', 'ownerA'],
  // deviceA1 may trigger on itself only (recording.integration.test.ts); the examples target A2.
  'recording:trigger': ['admin', 'ownerA'],
  'stream:receive-talk': ['admin', 'deviceA1'],
  'site:read': ['admin', 'ownerA', 'memberA', 'guestA', 'installerA', 'apikeyA'],
  'site:manage': ['admin', 'ownerA'],
  'member:manage': ['admin', 'ownerA'],
  'device:provision': ['admin', 'ownerA', 'installerA'],
  'device:manage': ['admin', 'ownerA', 'installerA'],
  'audit:read': ['admin', 'ownerA'],
  'usage:read': ['admin', 'ownerA'],
  'account:manage-keys': [],
  'admin:accounts': ['admin'],
  'admin:sites': ['admin'],
};

/** Routes any authenticated principal reaches; who actually gets a 2xx/4xx-not-403 there. */
const AUTHENTICATED: Record<string, Who[]> = {
  'GET /api/v1/me': [
    'admin',
    'ownerA',
    'memberA',
    'guestA',
    'installerA',
    'ownerB',
    'deviceA1',
    'apikeyA',
  ],
  'GET /api/v1/sites': [
    'admin',
    'ownerA',
    'memberA',
    'guestA',
    'installerA',
    'ownerB',
    'deviceA1',
    'apikeyA',
  ],
  // Keys are a person's: devices and keys cannot mint keys.
  'GET /api/v1/api-keys': ['admin', 'ownerA', 'memberA', 'guestA', 'installerA', 'ownerB'],
  'POST /api/v1/api-keys': ['admin', 'ownerA', 'memberA', 'guestA', 'installerA'],
  'DELETE /api/v1/api-keys/:keyId': [
    'admin',
    'ownerA',
    'memberA',
    'guestA',
    'installerA',
    'ownerB',
  ],
};

/** Routes that take no credentials: the body carries the secret (password, code, credential). */
const PUBLIC = new Set([
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/provision',
  'POST /api/v1/devices/token',
]);

interface World {
  siteA: string;
  siteB: string;
  deviceA1: string;
  deviceA2: string;
  otherAccount: string;
  grantA: string;
  keyOfCaller: string | undefined;
  tokens: Partial<Record<Who, string>>;
}

/** A valid request per route, so a 403 can only come from authorization. */
const EXAMPLES: Record<string, (w: World) => { path: string; body?: unknown }> = {
  'GET /api/v1/sites/:siteId': (w) => ({ path: `/api/v1/sites/${w.siteA}` }),
  'POST /api/v1/sites': () => ({ path: '/api/v1/sites', body: { name: 'New site' } }),
  'PATCH /api/v1/sites/:siteId': (w) => ({
    path: `/api/v1/sites/${w.siteA}`,
    body: { name: 'Renamed' },
  }),
  'DELETE /api/v1/sites/:siteId': (w) => ({ path: `/api/v1/sites/${w.siteA}` }),
  'GET /api/v1/sites/:siteId/audit': (w) => ({ path: `/api/v1/sites/${w.siteA}/audit?limit=5` }),
  'GET /api/v1/sites/:siteId/turn-usage': (w) => ({
    path: `/api/v1/sites/${w.siteA}/turn-usage?limit=5`,
  }),
  'GET /api/v1/sites/:siteId/grants': (w) => ({ path: `/api/v1/sites/${w.siteA}/grants` }),
  'POST /api/v1/sites/:siteId/grants': (w) => ({
    path: `/api/v1/sites/${w.siteA}/grants`,
    body: {
      email: `${randomUUID()}@example.com`,
      role: 'guest',
      password: 'a-long-password',
      deviceIds: [w.deviceA1],
    },
  }),
  'DELETE /api/v1/sites/:siteId/grants/:grantId': (w) => ({
    path: `/api/v1/sites/${w.siteA}/grants/${w.grantA}`,
  }),
  'GET /api/v1/sites/:siteId/devices': (w) => ({ path: `/api/v1/sites/${w.siteA}/devices` }),
  'POST /api/v1/sites/:siteId/provisioning-codes': (w) => ({
    path: `/api/v1/sites/${w.siteA}/provisioning-codes`,
    body: { name: 'Garage' },
  }),
  'PATCH /api/v1/sites/:siteId/devices/:deviceId': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}`,
    body: { name: 'Back yard' },
  }),
  'POST /api/v1/sites/:siteId/devices/:deviceId/rotate': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/rotate`,
    body: {},
  }),
  'DELETE /api/v1/sites/:siteId/devices/:deviceId': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}`,
  }),
  'GET /api/v1/me': () => ({ path: '/api/v1/me' }),
  'GET /api/v1/sites': () => ({ path: '/api/v1/sites' }),
  'GET /api/v1/api-keys': () => ({ path: '/api/v1/api-keys' }),
  'POST /api/v1/api-keys': (w) => ({
    path: '/api/v1/api-keys',
    body: { name: 'k', scopes: ['site:read'], siteId: w.siteA },
  }),
  'DELETE /api/v1/api-keys/:keyId': (w) => ({
    path: `/api/v1/api-keys/${w.keyOfCaller ?? randomUUID()}`,
  }),
  'GET /api/v1/admin/accounts': () => ({ path: '/api/v1/admin/accounts' }),
  'POST /api/v1/admin/accounts': () => ({
    path: '/api/v1/admin/accounts',
    body: { email: `${randomUUID()}@example.com`, displayName: 'X', password: 'a-long-password' },
  }),
  'PATCH /api/v1/admin/accounts/:accountId': (w) => ({
    path: `/api/v1/admin/accounts/${w.otherAccount}`,
    body: { displayName: 'Y' },
  }),
  'GET /api/v1/admin/sites': () => ({ path: '/api/v1/admin/sites' }),
  'GET /api/v1/sites/:siteId/recordings': (w) => ({ path: `/api/v1/sites/${w.siteA}/recordings` }),
  'GET /api/v1/sites/:siteId/recordings/usage': (w) => ({
    path: `/api/v1/sites/${w.siteA}/recordings/usage?from=2026-01-01&to=2026-12-31`,
  }),
  'GET /api/v1/sites/:siteId/devices/:deviceId/recording': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording`,
  }),
  'PATCH /api/v1/sites/:siteId/devices/:deviceId/recording': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording`,
    body: { mode: 'event', retentionMaxAgeSeconds: 86_400 },
  }),
  'POST /api/v1/sites/:siteId/devices/:deviceId/recording/start': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/start`,
    body: { durationSeconds: 60 },
  }),
  'POST /api/v1/sites/:siteId/devices/:deviceId/recording/stop': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/stop`,
    body: {},
  }),
  'POST /api/v1/sites/:siteId/devices/:deviceId/recording/events': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/events`,
    body: { type: 'person' },
  }),
  'GET /api/v1/sites/:siteId/devices/:deviceId/recording/fragments': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/fragments?from=0&to=${Date.now()}`,
  }),
  'GET /api/v1/sites/:siteId/devices/:deviceId/recording/timeline': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/timeline?from=${Date.now() - 3_600_000}&to=${Date.now()}`,
  }),
  'GET /api/v1/sites/:siteId/devices/:deviceId/recording/thumbnails': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/thumbnails?from=${Date.now() - 3_600_000}&to=${Date.now()}`,
  }),
  'POST /api/v1/sites/:siteId/devices/:deviceId/recording/playback': (w) => ({
    path: `/api/v1/sites/${w.siteA}/devices/${w.deviceA2}/recording/playback`,
    body: { from: Date.now() - 60_000, to: Date.now() },
  }),
  'POST /api/v1/admin/recording-keys/rotate': () => ({
    path: '/api/v1/admin/recording-keys/rotate',
    body: {},
  }),
};

async function makeWorld(ts: TestServer): Promise<World> {
  const { store, accessTokens, apiKeys } = ts.server.identity;
  const siteA = randomUUID();
  const siteB = randomUUID();
  const camA1 = await ts.mintWithId('camera', { siteId: siteA, label: 'Front' });
  const camA2 = await ts.mintWithId('camera', { siteId: siteA, label: 'Back' });
  const ownerA = await ts.mintWithId('viewer', { siteId: siteA, siteRole: 'owner' });
  const tokens: Partial<Record<Who, string>> = {
    ownerA: ownerA.token,
    memberA: await ts.mint('viewer', { siteId: siteA, siteRole: 'member' }),
    guestA: await ts.mint('viewer', { siteId: siteA, siteRole: 'guest', deviceIds: [camA1.id] }),
    installerA: await ts.mint('viewer', { siteId: siteA, siteRole: 'installer' }),
    ownerB: await ts.mint('viewer', { siteId: siteB, siteRole: 'owner' }),
    deviceA1: camA1.token,
  };
  const adminId = randomUUID();
  await store.createAccount({
    id: adminId,
    email: `${adminId}@test.invalid`,
    displayName: 'Admin',
    passwordHash: 'x',
    isAdmin: true,
    createdAt: Date.now(),
    disabledAt: null,
  });
  tokens.admin = (await accessTokens.issueAccount(adminId)).token;
  tokens.apikeyA = (
    await apiKeys.create(ownerA.id, {
      name: 'nvr',
      scopes: ['stream:view-live', 'site:read'],
      siteId: siteA,
    })
  ).key;
  const other = await ts.mintWithId('viewer', { siteId: siteA, siteRole: 'member' });
  const grantA = (await store.listGrantsForAccount(other.id))[0]!.id;
  return {
    siteA,
    siteB,
    deviceA1: camA1.id,
    deviceA2: camA2.id,
    otherAccount: other.id,
    grantA,
    keyOfCaller: undefined,
    tokens,
  };
}

function expectedAllowed(route: (typeof routes)[number], who: Who): boolean {
  const key = `${route.method} ${route.path}`;
  if (route.auth === 'authenticated') return AUTHENTICATED[key]!.includes(who);
  if (route.auth === 'public') return true;
  return ALLOWED[route.auth.action].includes(who);
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
          w.keyOfCaller =
            p?.kind === 'account'
              ? (
                  await ts.server.identity.apiKeys.create(p.id, {
                    name: 'x',
                    scopes: ['site:read'],
                    siteId: null,
                  })
                ).record.id
              : (
                  await ts.server.identity.apiKeys.create(w.otherAccount, {
                    name: 'x',
                    scopes: ['site:read'],
                    siteId: null,
                  })
                ).record.id;
        }
        const ex: { path: string; body?: unknown } = (
          EXAMPLES[key] ?? (() => ({ path: route.path }))
        )(w);
        const res = await api(ts.url, route.method, ex.path, {
          ...(w.tokens[who] ? { token: w.tokens[who] } : {}),
          ...(ex.body !== undefined ? { body: ex.body } : {}),
        });
        const label = `${key} as ${who} -> ${res.status} ${String(JSON.stringify(res.body)).slice(0, 200)}`;
        if (who === 'anonymous') expect(res.status, label).toBe(401);
        else if (expectedAllowed(route, who)) {
          expect([401, 403], label).not.toContain(res.status);
          expect(res.status, label).toBeLessThan(500);
        } else expect(res.status, label).toBe(403);
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
