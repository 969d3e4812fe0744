import { restRoutes, type RestRouteName } from '@porchlight/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes } from '../../src/api/routes/index.ts';
import { startTestServer } from '../../../tests/support/testServer.ts';
import { fragments, startCamera, until } from '../recording/support.ts';
import { TINY_JPEG } from '../doorbell/world.ts';
import { startOf } from '../detection/world.ts';
import { dayOf, exchangesOf, sdkFor, type Exchange, type World } from './sdkContract.world.ts';

type Case = (w: World) => Promise<unknown>;

const PERSON_PASSWORD = 'a long enough password';
const PERSON_PASSWORD_2 = 'another long enough one';
/** The contract person's session, across the session cases. */
const person = { token: '', sessionId: '', temporary: '' };

/** The current UTC month, `YYYY-MM`. */
const thisMonth = (): string => new Date().toISOString().slice(0, 7);

/**
 * One SDK call per route of the contract, in the order they run (later cases use what earlier
 * ones created). The `satisfies` makes a route without a case a compile error; the first test
 * makes it a failure too.
 */
const cases = {
  login: async (w) => w.anonymous.login(w.email, w.password),
  refresh: async (w) => {
    const session = await w.anonymous.login(w.email, w.password);
    w.refreshToken = (await w.anonymous.refresh(session.refreshToken)).refreshToken!;
  },
  logout: async (w) => w.anonymous.logout(w.refreshToken),
  me: async (w) => expect((await w.admin.me()).kind).toBe('account'),
  listAccounts: async (w) => expect((await w.admin.listAccounts()).length).toBeGreaterThan(0),
  createAccount: async (w) => {
    const account = await w.admin.createAccount({
      email: 'contract-person@example.com',
      displayName: 'Contract Person',
      password: 'a long enough password',
    });
    w.accountId = account.id;
  },
  updateAccount: async (w) =>
    expect((await w.admin.updateAccount(w.accountId, { displayName: 'Renamed' })).displayName).toBe(
      'Renamed',
    ),
  changePassword: async (w) => {
    const session = await w.anonymous.login('contract-person@example.com', PERSON_PASSWORD);
    person.token = (
      await w.anonymous
        .withToken(() => session.accessToken)
        .changePassword(PERSON_PASSWORD, PERSON_PASSWORD_2)
    ).accessToken;
  },
  listMySessions: async (w) => {
    const sessions = await w.anonymous.withToken(() => person.token).listMySessions();
    expect(sessions).toHaveLength(1);
    person.sessionId = sessions[0]!.id;
  },
  revokeMySession: async (w) =>
    w.anonymous.withToken(() => person.token).revokeMySession(person.sessionId),
  revokeMySessions: async (w) => {
    // The session signed out above took its access token with it: log in again.
    const session = await w.anonymous.login('contract-person@example.com', PERSON_PASSWORD_2);
    await w.anonymous.withToken(() => session.accessToken).revokeMySessions();
  },
  resetAccountPassword: async (w) => {
    person.temporary = (await w.admin.resetAccountPassword(w.accountId)).temporaryPassword;
  },
  listAccountSessions: async (w) => {
    await w.anonymous.login('contract-person@example.com', person.temporary);
    const sessions = await w.admin.listAccountSessions(w.accountId);
    expect(sessions).toHaveLength(1);
    person.sessionId = sessions[0]!.id;
  },
  revokeAccountSession: async (w) => w.admin.revokeAccountSession(w.accountId, person.sessionId),
  revokeAccountSessions: async (w) => w.admin.revokeAccountSessions(w.accountId),
  listSites: async (w) => expect((await w.admin.listSites()).length).toBeGreaterThan(0),
  createSite: async (w) => {
    w.siteB = (await w.admin.createSite({ name: 'Contract site', ownerAccountId: w.adminId })).id;
  },
  getSite: async (w) => expect((await w.admin.getSite(w.siteB)).name).toBe('Contract site'),
  renameSite: async (w) => expect((await w.admin.renameSite(w.siteB, 'Cabin')).name).toBe('Cabin'),
  listAllSites: async (w) => expect((await w.admin.listAllSites()).length).toBeGreaterThan(1),
  listAudit: async (w) =>
    expect((await w.admin.listAudit(w.siteB, { limit: 10 })).length).toBeGreaterThan(0),
  getTurnUsage: async (w) => {
    await w.ts.server.identity.repos.turnUsage.append({
      at: Date.now(),
      principalKind: 'account',
      principalId: w.adminId,
      siteId: w.siteB,
      durationSeconds: 90,
      bytesReceived: 1000,
      bytesSent: 2000,
    });
    const usage = await w.admin.getTurnUsage(w.siteB, { limit: 10 });
    expect(usage.totals[0]?.minutes).toBe(1.5);
  },
  listInstanceAudit: async (w) => {
    const logins = await w.admin.listInstanceAudit({ action: 'auth.', limit: 20 });
    // Logins belong to no site: only the whole log shows them.
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((e) => e.action.startsWith('auth.'))).toBe(true);
  },
  verifyAudit: async (w) => {
    expect(await w.admin.verifyAudit()).toMatchObject({ ok: true, firstBroken: null });
  },
  getHealthSeries: async (w) => {
    await w.ts.server.ops.health.sample();
    const series = await w.admin.getHealthSeries();
    expect(series.t.length).toBeGreaterThan(0);
    expect(series.cpuPercent).toHaveLength(series.workers);
    expect(series.sockets).toHaveLength(series.t.length);
    const last = series.t.at(-1)!;
    expect((await w.admin.getHealthSeries({ since: last })).t).toEqual([]);
  },
  listClusterNodes: async (w) => {
    const nodes = await w.admin.listClusterNodes();
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ self: true, draining: false });
  },
  // A single box refuses a drain (CONFLICT, server/src/cluster/Drain.test.ts); the wire contract of
  // an accepted one is checked with this box posing as a cluster node whose drain does nothing.
  drainClusterNode: async (w) => {
    const { cluster, drain } = w.ts.server;
    const start = vi.spyOn(drain, 'start').mockResolvedValue(undefined);
    Object.defineProperty(cluster, 'clustered', { value: true, configurable: true });
    try {
      expect(await w.admin.drainClusterNode(cluster.nodeId)).toEqual({
        nodeId: cluster.nodeId,
        alreadyDraining: false,
      });
      expect(start).toHaveBeenCalledWith('admin');
    } finally {
      Object.defineProperty(cluster, 'clustered', { value: false, configurable: true });
      start.mockRestore();
    }
  },
  listGrants: async (w) => expect((await w.admin.listGrants(w.siteB))[0]?.role).toBe('owner'),
  createGrant: async (w) => {
    const grant = await w.admin.createGrant(w.siteB, {
      email: 'contract-guest@example.com',
      role: 'guest',
      displayName: 'Guest',
      password: 'another long password',
      devices: { all: true },
    });
    w.grantId = grant.id;
  },
  revokeGrant: async (w) => w.admin.revokeGrant(w.siteB, w.grantId),
  createInvitation: async (w) => {
    const created = await w.admin.createInvitation(w.siteB, {
      displayName: 'Contract invitee',
      role: 'guest',
      devices: { all: true },
    });
    expect(created.url).toBe(`${w.ts.url}/invite#${created.token}`);
    w.invitationToken = created.token;
    w.invitationId = created.invitation.id;
  },
  listInvitations: async (w) =>
    expect((await w.admin.listInvitations(w.siteB))[0]?.status).toBe('pending'),
  previewInvitation: async (w) =>
    expect((await w.anonymous.previewInvitation(w.invitationToken)).siteName).toBe('Cabin'),
  acceptInvitation: async (w) => {
    const session = await w.anonymous.acceptInvitation({
      token: w.invitationToken,
      email: 'contract-invitee@example.com',
      displayName: 'Invitee',
      password: 'the invitee chose this',
    });
    w.invitee = w.anonymous.withToken(() => session.accessToken);
  },
  acceptInvitationAsMe: async (w) => {
    const { token } = await w.admin.createInvitation(w.ts.siteId, {
      email: 'contract-invitee@example.com',
      role: 'member',
      devices: { all: true },
    });
    expect((await w.invitee.acceptInvitationAsMe(token)).siteId).toBe(w.ts.siteId);
  },
  revokeInvitation: async (w) => {
    const { invitation } = await w.admin.createInvitation(w.siteB, {
      displayName: 'Never comes',
      role: 'guest',
      devices: { all: true },
    });
    await w.admin.revokeInvitation(w.siteB, invitation.id);
  },
  createProvisioningCode: async (w) => {
    const code = await w.admin.createProvisioningCode(w.siteB, { name: 'Shed' });
    w.code = code.code;
    w.deviceB = code.deviceId;
  },
  provision: async (w) => {
    w.credential = (await w.anonymous.provision(w.code, '1.0.0')).credential;
  },
  deviceToken: async (w) =>
    expect((await w.anonymous.deviceToken(w.credential)).device.id).toBe(w.deviceB),
  listDevices: async (w) => expect((await w.admin.listDevices(w.siteB))[0]?.id).toBe(w.deviceB),
  renameDevice: async (w) =>
    expect((await w.admin.renameDevice(w.siteB, w.deviceB, 'Garden')).name).toBe('Garden'),
  rotateDevice: async (w) => w.admin.rotateDevice(w.siteB, w.deviceB),
  removeDevice: async (w) => w.admin.removeDevice(w.siteB, w.deviceB),
  listApiKeys: async (w) => w.admin.listApiKeys(),
  createApiKey: async (w) => {
    w.keyId = (await w.admin.createApiKey({ name: 'ci', scopes: ['site:read'] })).apiKey.id;
  },
  revokeApiKey: async (w) => w.admin.revokeApiKey(w.keyId),
  listRecordings: async (w) =>
    expect((await w.admin.listRecordings(w.ts.siteId)).map((s) => s.deviceId)).toContain(w.camera),
  getRecordingUsage: async (w) => {
    const today = dayOf(Date.now());
    await w.admin.getRecordingUsage(w.ts.siteId, { from: today, to: today });
  },
  getSiteUsage: async (w) => {
    await w.ts.server.usage?.meter.flush();
    const now = Date.now();
    const hour = now - (now % 3_600_000);
    const usage = await w.admin.getSiteUsage(w.ts.siteId, {
      from: hour - 3_600_000,
      to: hour + 3_600_000,
      granularity: 'hour',
    });
    expect(BigInt(usage.totals.ingestBytes)).toBeGreaterThan(0n);
    expect(usage.series).toHaveLength(2);
  },
  getAccountUsage: async (w) => {
    const now = Date.now();
    const usage = await w.admin.getAccountUsage(w.adminId, { from: now - 86_400_000, to: now });
    expect(usage.accountId).toBe(w.adminId);
  },
  listDeviceUsage: async (w) => {
    const rows = await w.admin.listDeviceUsage(w.ts.siteId);
    expect(rows.find((r) => r.id === w.camera)?.storage?.segments).toBeGreaterThan(0);
  },
  getRecording: async (w) =>
    expect((await w.admin.getRecording(w.ts.siteId, w.camera)).segments).toBeGreaterThan(0),
  listRecordingFragments: async (w) =>
    expect(
      (await w.admin.listRecordingFragments(w.ts.siteId, w.camera, { from: 0, to: Date.now() }))
        .length,
    ).toBeGreaterThan(0),
  getRecordingTimeline: async (w) => {
    const to = Date.now() + 1000;
    const timeline = await w.admin.getRecordingTimeline(w.ts.siteId, w.camera, {
      from: to - 600_000,
      to,
    });
    expect(timeline.ranges.length).toBeGreaterThan(0);
  },
  listRecordingThumbnails: async (w) => {
    const to = Date.now() + 1000;
    const query = { from: to - 600_000, to, count: 4 };
    expect(
      (await w.admin.listRecordingThumbnails(w.ts.siteId, w.camera, query)).length,
    ).toBeGreaterThan(0);
  },
  createPlayback: async (w) => {
    const to = Date.now();
    const playback = await w.admin.createPlayback(w.ts.siteId, w.camera, { from: to - 60_000, to });
    expect(playback.clip).not.toBeNull();
  },
  triggerRecording: async (w) =>
    expect(await w.admin.triggerRecording(w.ts.siteId, w.camera, 'manual')).toBeGreaterThan(0),
  updateRecording: async (w) =>
    expect((await w.admin.updateRecording(w.ts.siteId, w.camera, { mode: 'on-demand' })).mode).toBe(
      'on-demand',
    ),
  startRecording: async (w) =>
    expect(
      (await w.admin.startRecording(w.ts.siteId, w.camera, { durationSeconds: 60 })).onDemandUntil,
    ).toBeGreaterThan(Date.now()),
  stopRecording: async (w) => w.admin.stopRecording(w.ts.siteId, w.camera),
  rotateRecordingKeys: async (w) =>
    expect((await w.admin.rotateRecordingKeys()).rotated).toBeGreaterThan(0),
  listDoors: async (w) => {
    const { provisioning, accessTokens } = w.ts.server.identity;
    const code = await provisioning.createCode({
      siteId: w.ts.siteId,
      kind: 'doorbell',
      name: 'Front door',
      createdBy: 'test',
    });
    const { device } = await provisioning.redeem(code.code, {
      userAgent: null,
      firmware: null,
      address: null,
    });
    w.doorId = device.id;
    const token = (await accessTokens.issueDevice(device)).token;
    w.doorDevice = w.anonymous.withToken(() => token);
    expect((await w.admin.listDoors(w.ts.siteId)).map((d) => d.id)).toContain(w.doorId);
  },
  getDoor: async (w) =>
    expect((await w.admin.getDoor(w.ts.siteId, w.doorId)).displayName).toBe('Front door'),
  updateDoor: async (w) => {
    const door = await w.admin.updateDoor(w.ts.siteId, w.doorId, {
      displayName: 'The Millers',
      quickReplies: ['Coming!'],
      // Nothing listens there: unlock reports a failed connection.
      unlock: { url: 'http://127.0.0.1:1/unlock', secret: 'a-secret-of-16-chars' },
    });
    expect(door.unlock.configured).toBe(true);
  },
  configureDoorUnlock: async (w) => {
    // Same URL (nothing listens: unlock reports a failed connection), a server-made key.
    const set = await w.admin.configureDoorUnlock(w.ts.siteId, w.doorId, {
      url: 'http://127.0.0.1:1/unlock',
      rotateSecret: true,
    });
    expect(set.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(set.door.unlock).toEqual({ configured: true, url: 'http://127.0.0.1:1/unlock' });
  },
  testDoorUnlock: async (w) =>
    expect(await w.admin.testDoorUnlock(w.ts.siteId, w.doorId)).toEqual({
      ok: false,
      status: null,
      error: 'connection failed',
    }),
  createDoorToken: async (w) => {
    const t = await w.admin.createDoorToken(w.ts.siteId, w.doorId, 'Gate');
    w.doorToken = t.token;
    w.doorTokenId = t.id;
  },
  listDoorTokens: async (w) =>
    expect((await w.admin.listDoorTokens(w.ts.siteId, w.doorId))[0]?.label).toBe('Gate'),
  getDoorByToken: async (w) =>
    expect((await w.anonymous.getDoorByToken(w.doorToken)).doorName).toBe('The Millers'),
  ringDoor: async (w) => {
    const s = await w.anonymous.ringDoor(w.doorToken);
    w.callId = s.call.callId;
    w.visitor = w.anonymous.withToken(() => s.credential);
  },
  getVisitorCall: async (w) => expect((await w.visitor.getVisitorCall()).state).toBe('ringing'),
  uploadCallSnapshot: async (w) =>
    expect((await w.visitor.uploadCallSnapshot(TINY_JPEG.toString('base64'))).snapshotUrl).toMatch(
      /\/doorbell\/snapshots\//,
    ),
  listActiveCalls: async (w) =>
    expect((await w.admin.listActiveCalls()).map((c) => c.callId)).toContain(w.callId),
  getCall: async (w) => expect((await w.admin.getCall(w.callId)).snapshotUrl).not.toBeNull(),
  sendQuickReply: async (w) =>
    expect((await w.admin.sendQuickReply(w.callId, 'Coming!')).sentAt).toBeGreaterThan(0),
  // The call's first quick reply is 'r1': its speech, as a door screen without voices fetches it.
  getReplySpeech: async (w) => {
    const wav = await w.visitor.getReplySpeech('r1');
    expect(wav.type).toBe('audio/wav');
    expect(Buffer.from(await wav.arrayBuffer()).toString('ascii', 0, 4)).toBe('RIFF');
  },
  answerCall: async (w) =>
    expect((await w.admin.answerCall(w.callId, 'Laptop')).state).toBe('answered'),
  unlockDoor: async (w) =>
    expect(await w.admin.unlockDoor(w.callId)).toEqual({
      ok: false,
      status: null,
      error: 'connection failed',
    }),
  hangUpCall: async (w) => expect((await w.admin.hangUpCall(w.callId)).outcome).toBe('answered'),
  visitorHangUp: async (w) => {
    const s = await w.anonymous.ringDoor(w.doorToken);
    const visitor = w.anonymous.withToken(() => s.credential);
    expect((await visitor.visitorHangUp()).outcome).toBe('cancelled');
  },
  // A missed call (the shortest ring window) opens a message; the media path is tested in
  // doorbell/message.integration.
  startVisitorMessage: async (w) => {
    await w.admin.updateDoor(w.ts.siteId, w.doorId, { ringWindowSeconds: 10 });
    const s = await w.anonymous.ringDoor(w.doorToken);
    w.messenger = w.anonymous.withToken(() => s.credential);
    await until(
      'the call is missed',
      async () => (await w.admin.getCall(s.call.callId)).outcome === 'missed' || undefined,
      30_000,
    );
    expect((await w.messenger.startVisitorMessage()).maxSeconds).toBeGreaterThan(0);
  },
  stopVisitorMessage: async (w) =>
    expect((await w.messenger.stopVisitorMessage()).durationSeconds).toBe(0),
  declineCall: async (w) => {
    const s = await w.anonymous.ringDoor(w.doorToken);
    expect((await w.admin.declineCall(s.call.callId)).callId).toBe(s.call.callId);
    await w.anonymous.withToken(() => s.credential).visitorHangUp();
  },
  ringOwnDoor: async (w) => {
    const s = await w.doorDevice.ringOwnDoor(w.ts.siteId, w.doorId);
    expect(s.call.state).toBe('ringing');
    await w.anonymous.withToken(() => s.credential).visitorHangUp();
  },
  listCalls: async (w) =>
    expect((await w.admin.listCalls(w.ts.siteId, w.doorId, { limit: 2 })).calls).toHaveLength(2),
  rotateDoorTokens: async (w) =>
    expect((await w.admin.rotateDoorTokens(w.ts.siteId, w.doorId)).token).not.toBe(w.doorToken),
  revokeDoorToken: async (w) => {
    const t = await w.admin.createDoorToken(w.ts.siteId, w.doorId);
    await w.admin.revokeDoorToken(w.ts.siteId, w.doorId, t.id);
  },
  getPushPublicKey: async (w) => expect((await w.admin.getPushPublicKey()).length).toBe(87),
  createPushSubscription: async (w) => {
    const sub = await w.admin.createPushSubscription({
      subscription: {
        endpoint: 'https://push.example.invalid/send/contract',
        keys: { p256dh: 'B'.padEnd(87, 'A'), auth: 'A'.repeat(22) },
      },
      label: 'Contract phone',
    });
    w.pushSubscriptionId = sub.id;
  },
  listPushSubscriptions: async (w) =>
    expect((await w.admin.listPushSubscriptions()).map((s) => s.id)).toContain(
      w.pushSubscriptionId,
    ),
  updatePushSubscription: async (w) =>
    expect(
      (
        await w.admin.updatePushSubscription(w.pushSubscriptionId, {
          settings: {
            devices: null,
            quietHours: { start: '22:00', end: '07:00', timeZone: 'UTC' },
          },
        })
      ).settings.quietHours?.start,
    ).toBe('22:00'),
  // The endpoint's host does not resolve: the push service is not reached, and the answer says so.
  sendTestNotification: async (w) =>
    expect((await w.admin.sendTestNotification(w.pushSubscriptionId)).delivered).toBe(false),
  deletePushSubscription: async (w) => w.admin.deletePushSubscription(w.pushSubscriptionId),
  notificationAction: async (w) => {
    const declined: string[] = [];
    w.ts.server.notify.api.connectCalls({
      decline: async (callId, accountId) => void declined.push(`${callId}/${accountId}`),
    });
    const token = w.ts.server.notify.actionTokens.mint({
      action: 'decline',
      accountId: w.adminId,
      callId: 'call-1',
      expiresAt: Date.now() + 60_000,
    });
    await w.anonymous.notificationAction(token, 'decline');
    expect(declined).toStrictEqual([`call-1/${w.adminId}`]);
  },
  startEvent: async (w) => {
    w.eventId = (await w.cameraApi.startEvent(w.camera, startOf(Date.now()))).eventId;
  },
  updateEvent: async (w) =>
    expect((await w.cameraApi.updateEvent(w.camera, w.eventId, { maxScore: 0.9 })).maxScore).toBe(
      0.9,
    ),
  putEventSnapshot: async (w) =>
    expect(
      (await w.cameraApi.putEventSnapshot(w.camera, w.eventId, TINY_JPEG)).snapshotUrl,
    ).toMatch(/\/detection\/snapshots\//),
  listEvents: async (w) =>
    expect((await w.admin.listEvents({ deviceId: w.camera })).events.map((e) => e.id)).toContain(
      w.eventId,
    ),
  getEvent: async (w) => expect((await w.admin.getEvent(w.eventId)).snapshotUrl).not.toBeNull(),
  getDetectionSettings: async (w) =>
    expect((await w.cameraApi.getDetectionSettings(w.camera)).detector?.backend).toBe('wasm'),
  putDetectionSettings: async (w) =>
    expect(
      (await w.admin.putDetectionSettings(w.camera, { minScore: 0.5 })).settings.minScore,
    ).toBe(0.5),
  reportDetectionCapability: async (w) =>
    expect(
      (
        await w.cameraApi.reportDetectionCapability(w.camera, {
          canDetect: true,
          reason: null,
          detector: { backend: 'wasm', model: 'centernet-512', msPerFrame: 180 },
        })
      ).runsOn,
    ).toBe('camera'),
  openDetectorHostSession: async (w) => {
    // A launch without Chromium: the code its URL would carry.
    const { code } = w.ts.server.detection.hosting!.credentials.launch();
    const { token } = await w.anonymous.openDetectorHostSession(code);
    w.hostApi = w.anonymous.withToken(() => token);
  },
  renewDetectorHostToken: async (w) =>
    expect((await w.hostApi.renewDetectorHostToken()).token).toMatch(/^pldh_/),
  getDetectorHostAssignment: async (w) =>
    expect((await w.hostApi.getDetectorHostAssignment()).cameras).toEqual([]),
  putDetectorHostStatus: async (w) =>
    expect((await w.hostApi.putDetectorHostStatus({ cameras: [] })).ok).toBe(true),
  getBillingConfig: async (w) =>
    expect((await w.admin.getBillingConfig()).invoicePriceList).toBe('cloud-reference'),
  putBillingConfig: async (w) => {
    const config = await w.admin.getBillingConfig();
    const saved = await w.admin.putBillingConfig({
      ...config,
      priceLists: {
        ...config.priceLists,
        mine: { ...config.priceLists['cloud-reference']!, hlsPerGB: 0.02 },
      },
      invoicePriceList: 'mine',
    });
    expect(saved.priceLists['mine']?.hlsPerGB).toBe('0.02');
  },
  estimateBill: async (w) => {
    const { priceLists } = await w.admin.getBillingConfig();
    const bill = await w.admin.estimateBill({
      prices: priceLists['mine']!,
      usage: { hlsBytes: 2 ** 31 },
    });
    expect(bill.total).toBe('0.04');
  },
  getSiteInvoice: async (w) =>
    expect((await w.admin.getSiteInvoice(w.siteB, thisMonth())).priceList).toBe('mine'),
  getSiteInvoiceCsv: async (w) =>
    expect(await (await w.admin.getSiteInvoiceCsv(w.siteB, thisMonth())).text()).toMatch(
      /^scope,id,name,month,priceList,item,/,
    ),
  getSiteInvoicePage: async (w) =>
    expect(await (await w.admin.getSiteInvoicePage(w.siteB, thisMonth())).text()).toContain(
      '<title>Invoice',
    ),
  getAccountInvoice: async (w) =>
    expect((await w.admin.getAccountInvoice(w.adminId, thisMonth())).scope).toBe('account'),
  getAccountInvoiceCsv: async (w) =>
    expect(await (await w.admin.getAccountInvoiceCsv(w.adminId, thisMonth())).text()).toContain(
      'account,',
    ),
  getAccountInvoicePage: async (w) =>
    expect(await (await w.admin.getAccountInvoicePage(w.adminId, thisMonth())).text()).toContain(
      'Account:',
    ),
  getBillingMonths: async (w) =>
    expect((await w.admin.getBillingMonths(w.siteB, { months: 3 })).months).toHaveLength(3),
  getSaving: async (w) => expect((await w.admin.getSaving(w.ts.siteId)).cameras).toBeGreaterThan(0),
  listAlarms: async (w) =>
    expect((await w.admin.listAlarms(w.siteB)).alarms.map((a) => a.kind)).toContain('stream-down'),
  createAlarm: async (w) => {
    const alarm = await w.admin.createAlarm(w.siteB, { kind: 'worker-restarts', threshold: 1 });
    expect(alarm.state).toBe('INSUFFICIENT_DATA');
    w.alarmId = alarm.id;
  },
  updateAlarm: async (w) =>
    expect((await w.admin.updateAlarm(w.siteB, w.alarmId, { threshold: 2 })).threshold).toBe(2),
  acknowledgeAlarm: async (w) =>
    expect((await w.admin.acknowledgeAlarm(w.siteB, w.alarmId)).acknowledgedBy).toBe(w.adminId),
  muteAlarm: async (w) =>
    expect((await w.admin.muteAlarm(w.siteB, w.alarmId, Date.now() + 60_000)).mutedUntil).not.toBe(
      null,
    ),
  unmuteAlarm: async (w) =>
    expect((await w.admin.unmuteAlarm(w.siteB, w.alarmId)).mutedUntil).toBeNull(),
  listAlarmHistory: async (w) =>
    expect(
      (await w.admin.listAlarmHistory(w.siteB, { alarmId: w.alarmId })).entries.map((e) => e.type),
    ).toStrictEqual(['unmuted', 'muted', 'acknowledged']),
  deleteAlarm: async (w) => w.admin.deleteAlarm(w.siteB, w.alarmId),
  listWebhooks: async (w) => expect((await w.admin.listWebhooks(w.siteB)).webhooks).toEqual([]),
  createWebhook: async (w) => {
    // A public documentation address: nothing answers there, the delivery log says so.
    const created = await w.admin.createWebhook(w.siteB, {
      url: 'https://203.0.113.10/hooks/porchlight',
      events: ['ring', 'person.detected'],
    });
    expect(created.secret).toMatch(/^whsec_/);
    w.webhookId = created.webhook.id;
  },
  updateWebhook: async (w) =>
    expect(
      // Switched off: its deliveries become dead letters at once, nothing leaves the box.
      (
        await w.admin.updateWebhook(w.siteB, w.webhookId, {
          events: ['call.missed'],
          enabled: false,
        })
      ).events,
    ).toEqual(['call.missed']),
  rotateWebhookSecret: async (w) =>
    expect(
      (await w.admin.rotateWebhookSecret(w.siteB, w.webhookId)).webhook.previousSecretExpiresAt,
    ).toBeGreaterThan(Date.now()),
  testWebhook: async (w) => {
    const delivery = await w.admin.testWebhook(w.siteB, w.webhookId);
    expect(delivery.eventType).toBe('webhook.test');
    w.deliveryId = delivery.id;
  },
  listWebhookDeliveries: async (w) =>
    expect(
      (await w.admin.listWebhookDeliveries(w.siteB, w.webhookId)).deliveries.map((d) => d.id),
    ).toEqual([w.deliveryId]),
  redeliverWebhook: async (w) => {
    // The endpoint is off: its test delivery is a dead letter (the engine has its own tests).
    await until(
      'a dead letter',
      async () =>
        (await w.admin.listWebhookDeliveries(w.siteB, w.webhookId, { status: 'dead' })).deliveries
          .length > 0 || undefined,
    );
    const again = await w.admin.redeliverWebhook(w.siteB, w.webhookId, w.deliveryId);
    expect(again.status).toBe('pending');
  },
  deleteWebhook: async (w) => w.admin.deleteWebhook(w.siteB, w.webhookId),
  probeRtsp: async (w) =>
    expect((await w.admin.probeRtsp(w.siteB, { url: 'rtsp://127.0.0.1:1/stream' })).failure).toBe(
      'unreachable',
    ),
  createRtspCamera: async (w) => {
    const r = await w.admin.createRtspCamera(w.siteB, {
      name: 'Gate',
      url: 'rtsp://127.0.0.1:1/stream',
      credentials: { username: 'admin', password: 'not-in-any-answer' },
      enabled: false,
    });
    expect(r.source.hasCredentials).toBe(true);
    w.rtspId = r.device.id;
  },
  createRtmpCamera: async (w) => {
    const r = await w.admin.createRtmpCamera(w.siteB, 'Encoder');
    expect(r.url).toContain(`/live/${r.device.id}?key=`);
    w.rtmpId = r.device.id;
  },
  listIngestSources: async (w) =>
    expect((await w.admin.listIngestSources(w.siteB)).sources.map((s) => s.kind)).toStrictEqual([
      'rtsp',
      'rtmp',
    ]),
  updateIngestSource: async (w) =>
    expect(
      (await w.admin.updateIngestSource(w.siteB, w.rtspId, { transport: 'udp' })).transport,
    ).toBe('udp'),
  rotateStreamKey: async (w) =>
    expect((await w.admin.rotateStreamKey(w.siteB, w.rtmpId)).key.length).toBeGreaterThan(30),
  revokeStreamKey: async (w) => w.admin.revokeStreamKey(w.siteB, w.rtmpId),
  deleteIngestSource: async (w) => w.admin.deleteIngestSource(w.siteB, w.rtspId),
  deleteSite: async (w) => w.admin.deleteSite(w.siteB),
} satisfies Record<RestRouteName, Case>;

/**
 * The SDK's PorchlightApi against a real server, for every route of the REST contract: each call
 * succeeds with the contract's status, and the body on the wire matches its response schema.
 */
describe('the SDK against a real server, route by route', () => {
  const log: Exchange[] = [];
  const w = {} as World;
  let stopCamera: (() => void) | undefined;

  beforeAll(async () => {
    w.ts = await startTestServer({
      recording: { defaultMode: 'continuous' },
      // Many cases ring the one door; the ring limits have their own tests (doorbell/calls).
      doorbell: { ringsPerDoor: 100, ringsPerAddress: 100 },
    });
    w.email = 'contract-admin@example.com';
    w.password = 'correct horse battery';
    w.adminId = await w.ts.createPerson({ email: w.email, password: w.password, isAdmin: true });
    w.anonymous = sdkFor(w.ts, log);
    const session = await w.anonymous.login(w.email, w.password);
    w.admin = w.anonymous.withToken(() => session.accessToken);
    const cam = await startCamera(w.ts);
    stopCamera = cam.stop;
    w.camera = cam.deviceId;
    w.cameraApi = w.anonymous.withToken(() => cam.token);
    const owner = await w.ts.mint('viewer', { siteRole: 'owner' });
    await until(
      'two recorded segments',
      async () => (await fragments(w.ts, owner, w.ts.siteId, w.camera)).length >= 2 || undefined,
    );
  });
  afterAll(async () => {
    stopCamera?.();
    await w.ts?.close();
  });

  it('every contract route has an SDK case and a server handler, and nothing else is served', () => {
    const contract = Object.values(restRoutes).map((r) => `${r.method} ${r.path}`);
    expect(Object.keys(cases).sort()).toEqual(Object.keys(restRoutes).sort());
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(contract.sort());
  });

  for (const [name, run] of Object.entries(cases)) {
    const route = restRoutes[name as RestRouteName];
    it(`${name}: ${route.method} ${route.path}`, async () => {
      const before = log.length;
      await run(w);
      const seen = exchangesOf(log.slice(before), name as RestRouteName);
      expect(seen.length, 'the SDK call reached the route').toBeGreaterThan(0);
      for (const e of seen) {
        expect(e.status, e.text).toBe(route.status);
        if (route.status === 204) expect(e.text).toBe('');
        else if (route.produces !== undefined) expect(e.contentType).toBe(route.produces);
        else {
          const checked = route.response.safeParse(JSON.parse(e.text));
          expect(checked.success, `${e.text.slice(0, 300)}\n${String(checked.error)}`).toBe(true);
        }
      }
    });
  }
});
