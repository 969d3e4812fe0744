/**
 * Signaling, identity events, device presence and doorbell calls across three real nodes (three
 * PorchlightServers on 127.0.0.1/.2/.3) sharing one real Redis and one real PostgreSQL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallView } from '@porchlight/protocol';
import { api } from '../../../tests/support/http.ts';
import { startPostgres, type TestPostgres } from '../../../tests/support/postgres.ts';
import { connectRaw } from '../../../tests/support/rawClient.ts';
import { startRedis, type TestRedis } from '../../../tests/support/redis.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { createDoor, listen, ring, type Listener } from '../doorbell/world.ts';
import { until } from '../../../tests/support/until.ts';

let redis: TestRedis;
let postgres: TestPostgres;
let a: TestServer;
let b: TestServer;
let c: TestServer;
const open: { close(): void }[] = [];

async function node(id: string, address: string, tokenSecret: string): Promise<TestServer> {
  const ts = await startTestServer({
    host: address,
    publicHost: address,
    database: { url: postgres.url },
    cluster: { redisUrl: redis.url, nodeId: id, heartbeatMs: 200, leaseMs: 2_000 },
    auth: { tokenSecret },
    recording: { enabled: false },
    doorbell: { ringsPerAddress: 1000, ringsPerDoor: 1000 },
    media: { listenIp: address, announcedAddress: address },
  });
  // The helper's url assumes 127.0.0.1; the server knows its own address.
  return { ...ts, url: ts.server.url };
}

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const secret = randomBytes(32).toString('base64url');
  // One at a time: the first runs the migrations.
  a = await node('node-a', '127.0.0.1', secret);
  b = await node('node-b', '127.0.0.2', secret);
  c = await node('node-c', '127.0.0.3', secret);
  await until(
    () => (a.server.cluster.nodes.live().length === 3 ? true : undefined),
    'three live nodes',
  );
}, 120_000);

afterAll(async () => {
  for (const o of open) o.close();
  await Promise.all([a, b, c].map((s) => s?.close()));
  await Promise.all([redis?.stop(), postgres?.stop()]);
}, 60_000);

describe('signaling across nodes', () => {
  it('a notification emitted on node B reaches the socket on node A', async () => {
    const person = await a.mintWithId('viewer', { siteRole: 'owner' });
    const camera = await a.mintWithId('camera');
    const atA = await connectRaw(a.url, person.token);
    const camAtC = await connectRaw(c.url, camera.token);
    open.push(atA, camAtC);
    const got = new Promise((resolve) => atA.socket.once('alarm', resolve));
    const gotDevice = new Promise((resolve) => camAtC.socket.once('detectionSettings', resolve));
    const alarm = { test: 'from node b' };
    b.server.signaling.notifyAccounts([person.id], 'alarm', alarm as never);
    b.server.signaling.notifyDevice(camera.id, 'detectionSettings', { test: 1 } as never);
    await expect(got).resolves.toEqual(alarm);
    await expect(gotDevice).resolves.toEqual({ test: 1 });
  });

  it("revoking a guest's grant on node A disconnects the guest's socket on node C in < 1 s", async () => {
    const owner = await a.mint('viewer', { siteRole: 'owner' });
    const guest = await a.mintWithId('viewer', { siteRole: 'guest' });
    const sock = await connectRaw(c.url, guest.token);
    open.push(sock);
    const joined = await sock.request('join', { siteId: a.siteId });
    expect(joined.ok).toBe(true);
    const grant = (await a.server.store.grants.listForSite(a.siteId)).find(
      (g) => g.accountId === guest.id,
    )!;
    // Bounded: without the relay the socket would live on until its token's next check (~60 s).
    const cut = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('guest socket not cut within 5 s')), 5_000);
      sock.socket.once('disconnect', () => {
        clearTimeout(timer);
        resolve(performance.now());
      });
    });
    const started = performance.now();
    const res = await api(a.url, 'DELETE', `/api/v1/sites/${a.siteId}/grants/${grant.id}`, {
      token: owner,
    });
    expect(res.status).toBeLessThan(300);
    const delayMs = (await cut) - started;
    console.log(
      `revocation on node A -> guest socket on node C cut after ${delayMs.toFixed(1)} ms`,
    );
    expect(delayMs).toBeLessThan(1_000);
  });

  it('a camera connected to two nodes stays online until its last connection closes', async () => {
    const camera = await a.mintWithId('camera', { label: 'Porch' });
    const online = async () => (await a.server.store.devices.get(camera.id))!.online;
    const atA = await connectRaw(a.url, camera.token);
    expect((await atA.request('join', { siteId: a.siteId })).ok).toBe(true);
    await until(async () => ((await online()) ? true : undefined), 'online via node A');
    // The camera reconnects to node B before node A notices the old socket is gone.
    const atB = await connectRaw(b.url, camera.token);
    open.push(atB);
    expect((await atB.request('join', { siteId: a.siteId })).ok).toBe(true);
    const sessionsAtA = a.server.signaling.sessionCount;
    atA.close();
    await until(
      () => (a.server.signaling.sessionCount < sessionsAtA ? true : undefined),
      'node A to drop the old socket',
    );
    // Node A's offline bookkeeping runs after its session closed: give it a bounded window.
    const deadline = Date.now() + 1_500;
    while (Date.now() < deadline) {
      expect(await online()).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
    }
    atB.close();
    await until(async () => ((await online()) ? undefined : true), 'offline after the last one');
  });
});

describe('doorbell calls across nodes', () => {
  it('a ring on node B rings A and C; concurrent answers on A and C: exactly one wins', async () => {
    const owner = await a.mintWithId('viewer', { siteRole: 'owner', label: 'Olivia' });
    const member = await a.mintWithId('viewer', { siteRole: 'member', label: 'Max' });
    const door = await createDoor(a, owner.token);
    const atA: Listener = await listen(a, owner.token, null);
    const atC: Listener = await listen(c, member.token, null);
    open.push(atA, atC);

    const ringAt = performance.now();
    const rung = await ring(b, door.doorToken);
    expect(rung.status).toBe(201);
    const callId = rung.body.call.callId;
    const rang = await Promise.all([
      atA.next('callRinging', (p) => p.call.callId === callId, 10_000),
      atC.next('callRinging', (p) => p.call.callId === callId, 10_000),
    ]);
    const ms = rang.map((r) => (r.at - ringAt).toFixed(1));
    console.log(`ring on node B (request sent) -> callRinging on A ${ms[0]} ms, on C ${ms[1]} ms`);
    // The visitor's socket lands on node A (no sticky sessions): it is told wherever it is.
    const visitor = await listen(a, rung.body.credential, null);
    open.push(visitor);
    // Every node lists the live call.
    for (const s of [a, c]) {
      const live = await api<CallView[]>(s.url, 'GET', '/api/v1/calls', {
        token: owner.token,
      });
      expect(live.body.map((v) => v.callId)).toContain(callId);
    }

    const answer = (s: TestServer, token: string, label: string) =>
      api<CallView & { error?: { code: string } }>(
        s.url,
        'POST',
        `/api/v1/calls/${callId}/answer`,
        {
          token,
          body: { deviceLabel: label },
        },
      );
    const [ra, rc] = await Promise.all([
      answer(a, owner.token, 'phone A'),
      answer(c, member.token, 'phone C'),
    ]);
    const statuses = [ra.status, rc.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = ra.status === 200 ? rc : ra;
    expect(loser.body.error?.code).toBe('CONFLICT');
    const winner = ra.status === 200 ? { s: a, ...owner } : { s: c, ...member };
    const answeredBy = (ra.status === 200 ? ra : rc).body.answeredBy!.accountId;
    expect(answeredBy).toBe(winner.id);
    await Promise.all([
      atA.next('callUpdated', (p) => p.call.callId === callId && p.call.state === 'answered'),
      atC.next('callUpdated', (p) => p.call.callId === callId && p.call.state === 'answered'),
      visitor.next('callAnswered', (p) => p.callId === callId),
    ]);

    // The winner hangs up on its own node; the end is seen everywhere.
    const hung = await api(winner.s.url, 'POST', `/api/v1/calls/${callId}/hangup`, {
      token: winner.token,
      body: {},
    });
    expect(hung.status).toBe(200);
    await Promise.all([
      atA.next('callUpdated', (p) => p.call.callId === callId && p.call.state === 'ended'),
      atC.next('callUpdated', (p) => p.call.callId === callId && p.call.state === 'ended'),
      visitor.next('callEnded', (p) => p.callId === callId),
    ]);
    const again = await answer(c, member.token, 'late');
    expect(again.status).toBe(409);
  });

  it('declines on A and C end a call rung on B; quick replies reach the visitor on C', async () => {
    // A site of its own: the call ends once every one of its recipients declined.
    const siteId = randomUUID();
    const owner = await a.mintWithId('viewer', { siteId, siteRole: 'owner', label: 'Olivia' });
    const member = await a.mintWithId('viewer', { siteId, siteRole: 'member', label: 'Max' });
    const door = await createDoor(a, owner.token, 'Back door', siteId);
    const atA = await listen(a, owner.token, null);
    open.push(atA);
    const rung = await ring(b, door.doorToken);
    expect(rung.status).toBe(201);
    const callId = rung.body.call.callId;
    const visitor = await listen(c, rung.body.credential, null);
    open.push(visitor);
    const replied = await api(a.url, 'POST', `/api/v1/calls/${callId}/quick-reply`, {
      token: owner.token,
      body: { text: 'Coming!' },
    });
    expect(replied.status).toBe(200);
    await visitor.next('quickReply', (p) => p.callId === callId && p.text === 'Coming!');
    const decline = (s: TestServer, token: string) =>
      api<CallView>(s.url, 'POST', `/api/v1/calls/${callId}/decline`, { token, body: {} });
    expect((await decline(a, owner.token)).status).toBe(200);
    expect((await decline(c, member.token)).status).toBe(200);
    await Promise.all([
      visitor.next('callEnded', (p) => p.callId === callId && p.outcome === 'declined'),
      atA.next('callUpdated', (p) => p.call.callId === callId && p.call.state === 'ended'),
    ]);
    // The history (PostgreSQL) agrees on every node.
    const seen = await api<CallView>(c.url, 'GET', `/api/v1/calls/${callId}`, {
      token: member.token,
    });
    expect(seen.body).toMatchObject({ state: 'ended', outcome: 'declined' });
  });
});
