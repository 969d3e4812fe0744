/**
 * The world every authorization row runs against: two sites, two cameras of site A, a person per
 * site role, an admin and an API key, each with a token.
 */
import { randomUUID } from 'node:crypto';
import { accountRecord } from '../../../../tests/support/records.ts';
import type { TestServer } from '../../../../tests/support/testServer.ts';
import type { Who } from './principals.ts';

export interface World {
  siteA: string;
  siteB: string;
  deviceA1: string;
  deviceA2: string;
  /** Site A's RTSP camera (off) and RTMP camera (docs/cameras.md). */
  rtspA: string;
  rtmpA: string;
  otherAccount: string;
  grantA: string;
  keyOfCaller: string | undefined;
  /** A doorbell of site A, one of its door tokens, and a call ringing there (visitorA's). */
  doorA: string;
  doorTokenIdA: string;
  callA: string;
  /** A detection event of camera A2. */
  eventA2: string;
  /** An alarm rule of site A (about camera A2). */
  alarmA: string;
  /** A webhook endpoint of site A and a delivery of it. */
  webhookA: string;
  deliveryA: string;
  tokens: Partial<Record<Who, string>>;
}

/** A valid request for one route, so a 403 can only come from authorization. */
export type Example = (w: World) => {
  path: string;
  body?: unknown;
  /** A non-JSON body (a snapshot's JPEG bytes), sent instead of `body`. */
  raw?: { type: string; data: Uint8Array<ArrayBuffer> };
};

/** One resource's rows: an example request per route, and who reaches its authenticated routes. */
export interface ResourceRows {
  examples: Record<string, Example>;
  /** Routes any authenticated principal reaches; who actually gets a 2xx/4xx-not-403 there. */
  authenticated?: Record<string, Who[]>;
}

export async function makeWorld(ts: TestServer): Promise<World> {
  const { repos, accessTokens, apiKeys } = ts.server.identity;
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
  await repos.accounts.create(accountRecord({ id: adminId, displayName: 'Admin', isAdmin: true }));
  tokens.admin = (await accessTokens.issueAccount(adminId)).token;
  tokens.apikeyA = (
    await apiKeys.create(ownerA.id, {
      name: 'nvr',
      scopes: ['stream:view-live', 'site:read'],
      siteId: siteA,
    })
  ).key;
  const other = await ts.mintWithId('viewer', { siteId: siteA, siteRole: 'member' });
  // A doorbell with a call ringing (through the service: the matrix rings once per world, more
  // often than a visitor's address may).
  const { provisioning } = ts.server.identity;
  const code = await provisioning.createCode({
    siteId: siteA,
    kind: 'doorbell',
    name: 'Door',
    createdBy: 'test',
  });
  const { device: bell } = await provisioning.redeem(code.code, {
    userAgent: null,
    firmware: null,
    address: null,
  });
  const { doors, calls } = ts.server.doorbell;
  const door = await doors.get(siteA, bell.id);
  const doorTokenIdA = (await doors.createToken(door, 'QR')).id;
  const call = await calls.ring(door, 'doorbell', null);
  tokens.visitorA = (await ts.server.doorbell.visitorSession(call)).credential;
  const grantA = (await repos.grants.listForAccount(other.id))[0]!.id;
  const deviceA2 = (await repos.devices.get(camA2.id))!;
  const eventA2 = (
    await ts.server.detection.events.start(deviceA2, {
      label: 'person',
      startedAt: Date.now(),
      maxScore: 0.6,
      zones: [],
      track: [],
      detector: { backend: 'wasm', model: 'centernet', msPerFrame: 40 },
    })
  ).id;
  const alarmA = (
    await ts.server.alarms.service.create(siteA, { kind: 'stream-down', deviceId: camA2.id })
  ).id;
  const { webhooks } = ts.server;
  const webhookA = (
    await webhooks.service.create(siteA, {
      url: 'https://203.0.113.10/hook',
      events: ['ring'],
    })
  ).webhook.id;
  // Off: its deliveries are dead letters at once (redeliverable), nothing leaves the box.
  await webhooks.service.update(siteA, webhookA, { enabled: false });
  const deliveryA = (await webhooks.service.test(siteA, webhookA)).id;
  // An RTSP camera (switched off: nothing is pulled) and an RTMP camera of site A.
  const rtspA = (
    await ts.server.ingest.createRtsp(siteA, {
      name: 'Gate',
      url: 'rtsp://127.0.0.1:1/cam',
      transport: 'tcp',
      enabled: false,
    })
  ).device.id;
  const rtmpA = (await ts.server.ingest.createRtmp(siteA, 'Encoder')).device.id;
  return {
    siteA,
    siteB,
    rtspA,
    rtmpA,
    deviceA1: camA1.id,
    deviceA2: camA2.id,
    otherAccount: other.id,
    grantA,
    keyOfCaller: undefined,
    doorA: bell.id,
    doorTokenIdA,
    callA: call.id,
    eventA2,
    alarmA,
    webhookA,
    deliveryA,
    tokens,
  };
}
