/**
 * Doorbell calls on two real nodes (two PorchlightServers on 127.0.0.1/.2) sharing one Redis, one
 * PostgreSQL and one S3 bucket: a visitor on node A and a homeowner on node B see and hear each
 * other through pipe transports; a snapshot sent to one node is served by the other; a call whose
 * owner node dies is ended by the survivor (homeowners stop ringing, the row is closed).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PorchlightClient, type CallNotification } from '@porchlight/sdk';
import type { CallView } from '@porchlight/protocol';
import { startS3rver, type TestS3Server } from '../../src/recording/storage/testSupport.ts';
import { SNAPSHOT_PREFIX } from '../../src/doorbell/SnapshotStore.ts';
import { api } from '../../../tests/support/http.ts';
import { startPostgres, type TestPostgres } from '../../../tests/support/postgres.ts';
import { startRedis, type TestRedis } from '../../../tests/support/redis.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { until } from '../../../tests/support/until.ts';
import {
  frameCounter,
  installWrtcGlobals,
  syntheticCamera,
  YUV,
} from '../../../tests/support/wrtc.ts';
import { audioMeter, syntheticMicrophone } from '../../../tests/support/wrtcAudio.ts';
import { createDoor, listen, ring, TINY_JPEG } from '../doorbell/world.ts';

installWrtcGlobals();

let pg: TestPostgres;
let redis: TestRedis;
let s3: TestS3Server;
let a: TestServer;
let b: TestServer;
const cleanup: (() => void)[] = [];

async function node(id: string, address: string, shared: Record<string, string>) {
  const ts = await startTestServer({
    host: address,
    publicHost: address,
    database: { url: pg.url },
    cluster: { redisUrl: redis.url, nodeId: id, heartbeatMs: 200, leaseMs: 1_500 },
    auth: { tokenSecret: shared.tokenSecret! },
    // A long ring window: only the takeover can end the dead node's call within the test.
    doorbell: { ringsPerAddress: 1000, ringsPerDoor: 1000, ringWindowSeconds: 120 },
    media: { numWorkers: 1, listenIp: address, announcedAddress: address },
    recording: {
      storage: 's3',
      masterKeys: shared.masterKeys!,
      s3: {
        endpoint: s3.endpoint,
        bucket: shared.bucket!,
        prefix: 'porchlight',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
      },
    },
  });
  return { ...ts, url: ts.server.url };
}

function client(ts: TestServer, token: string, callId?: string, label?: string) {
  const c = new PorchlightClient({
    url: ts.url,
    token,
    ...(callId ? { callId } : {}),
    ...(label ? { label } : {}),
    device: { handlerName: 'Chrome111' },
    socketOptions: { rejectUnauthorized: false },
  });
  cleanup.push(() => c.close());
  return c;
}

beforeAll(async () => {
  [pg, redis, s3] = await Promise.all([startPostgres(), startRedis(), startS3rver()]);
  const shared = {
    bucket: await s3.createBucket(),
    tokenSecret: randomBytes(32).toString('base64url'),
    masterKeys: `k1:${randomBytes(32).toString('base64')}`,
  };
  // One after the other: the first runs the migrations.
  a = await node('node-a', '127.0.0.1', shared);
  b = await node('node-b', '127.0.0.2', shared);
  await until(() => (a.server.cluster.nodes.live().length === 2 ? true : undefined), 'two nodes');
}, 180_000);

afterAll(async () => {
  for (const c of cleanup.reverse()) c();
  await Promise.all([a, b].map((s) => s?.close()));
  await Promise.all([redis?.stop(), pg?.stop(), s3?.stop()]);
}, 60_000);

describe('doorbell calls across nodes', () => {
  it('visitor on A, homeowner on B: video and audio both ways through the pipes', async () => {
    const owner = await a.mintWithId('viewer', { siteRole: 'owner', label: 'Olivia' });
    const door = await createDoor(a, owner.token);
    const atB = await listen(b, owner.token, null);
    cleanup.push(() => atB.close());
    const rung = await ring(a, door.doorToken);
    expect(rung.status).toBe(201);
    const callId = rung.body.call.callId;
    await atB.next('callRinging', (p) => p.call.callId === callId, 10_000);

    // The visitor's page on node A publishes camera and microphone into the call room there.
    const visitor = client(a, rung.body.credential, callId);
    const visitorCalls: CallNotification[] = [];
    visitor.on('call', (n) => visitorCalls.push(n));
    await visitor.connect();
    expect(visitor.role).toBe('visitor');
    const cam = syntheticCamera(320, 240, YUV.red);
    const mic = syntheticMicrophone();
    cleanup.push(cam.stop, mic.stop);
    await visitor.publish(cam.track, { source: 'camera', simulcast: false });
    await visitor.publish(mic.track, { source: 'microphone' });

    // The homeowner answers on node B (forwarded to A) and joins the call's room on B.
    const answer = await api(b.url, 'POST', `/api/v1/calls/${callId}/answer`, {
      token: owner.token,
      body: { deviceLabel: 'Phone' },
    });
    expect(answer.status).toBe(200);
    await until(
      () => (visitorCalls.some((n) => n.name === 'callAnswered') ? true : undefined),
      'the visitor on A told of the answer',
    );
    const home = client(b, owner.token, callId, 'Phone');
    await home.connect();
    expect(home.role).toBe('callee');
    const homeMic = syntheticMicrophone();
    const homeCam = syntheticCamera(320, 240, YUV.blue);
    cleanup.push(homeMic.stop, homeCam.stop);
    await home.publish(homeMic.track, { source: 'callAudio' });
    await home.publish(homeCam.track, { source: 'callVideo', simulcast: false });
    await until(
      () =>
        home.producers.some((p) => p.source === 'camera') &&
        home.producers.some((p) => p.source === 'microphone')
          ? true
          : undefined,
      'the visitor media announced on B',
    );
    const homeFrames = frameCounter(
      (await home.watch(home.producers.find((p) => p.source === 'camera')!.producerId)).track!,
    );
    const homeEars = audioMeter(
      (await home.watch(home.producers.find((p) => p.source === 'microphone')!.producerId)).track!,
    );
    cleanup.push(homeFrames.stop, homeEars.stop);

    await until(
      () =>
        visitor.producers.some((p) => p.source === 'callAudio') &&
        visitor.producers.some((p) => p.source === 'callVideo')
          ? true
          : undefined,
      "the answerer's media announced on A",
    );
    const visitorEars = audioMeter(
      (await visitor.watch(visitor.producers.find((p) => p.source === 'callAudio')!.producerId))
        .track!,
    );
    const visitorSees = frameCounter(
      (await visitor.watch(visitor.producers.find((p) => p.source === 'callVideo')!.producerId))
        .track!,
    );
    cleanup.push(visitorEars.stop, visitorSees.stop);

    await until(() => (homeFrames.state.frames >= 10 ? true : undefined), 'B decodes A', 30_000);
    // Red has Y≈81, blue Y≈41: each side decodes the other's picture, not its own.
    expect(homeFrames.state.meanY).toBeGreaterThan(65);
    await until(() => (homeEars.state.rms > 1000 ? true : undefined), 'B hears A', 30_000);
    await until(() => (visitorSees.state.frames >= 10 ? true : undefined), 'A decodes B', 30_000);
    expect(visitorSees.state.meanY).toBeLessThan(60);
    await until(() => (visitorEars.state.rms > 1000 ? true : undefined), 'A hears B', 30_000);

    // The visitor's snapshot goes to node B (forwarded to A, the owner); node B serves it.
    const snap = await api<{ snapshotUrl: string }>(b.url, 'POST', '/api/v1/visit/call/snapshot', {
      token: rung.body.credential,
      body: { jpeg: TINY_JPEG.toString('base64') },
    });
    expect(snap.status).toBe(201);
    const signedPath = new URL(snap.body.snapshotUrl).pathname;
    for (const s of [b, a]) {
      const img = await fetch(`${s.url}${signedPath}`);
      expect(img.status).toBe(200);
      expect(Buffer.from(await img.arrayBuffer()).equals(TINY_JPEG)).toBe(true);
    }
    // Sealed in the shared storage, not in plain.
    const sealed = await a.server.recording.service.vault.storage.get(
      `${SNAPSHOT_PREFIX}${callId}.jpg.enc`,
    );
    expect(sealed.includes(TINY_JPEG.subarray(0, 16))).toBe(false);

    // Hanging up on B ends the call on A and closes the room on both nodes.
    const hung = await api(b.url, 'POST', `/api/v1/calls/${callId}/hangup`, {
      token: owner.token,
      body: {},
    });
    expect(hung.status).toBe(200);
    await until(
      () =>
        !a.server.rooms.rooms.has(`call:${callId}`) && !b.server.rooms.rooms.has(`call:${callId}`)
          ? true
          : undefined,
      'the call rooms closed on both nodes',
    );
  }, 120_000);

  it('a call whose node dies is ended by the survivor: ringing stops, the row closes', async () => {
    const siteId = randomUUID();
    const owner = await b.mintWithId('viewer', { siteId, siteRole: 'owner', label: 'Olivia' });
    const door = await createDoor(b, owner.token, 'Gate', siteId);
    const atB = await listen(b, owner.token, null);
    cleanup.push(() => atB.close());
    // The ring lands on node A: A owns the call.
    const rung = await ring(a, door.doorToken);
    expect(rung.status).toBe(201);
    const callId = rung.body.call.callId;
    await atB.next('callRinging', (p) => p.call.callId === callId, 10_000);
    // The visitor's page reconnected through the hostname to node B.
    const visitorAtB = await listen(b, rung.body.credential, null);
    cleanup.push(() => visitorAtB.close());

    // Node A stops beating (its Redis connection cut, as if the host died).
    const diedAt = performance.now();
    a.server.cluster.redis!.disconnect(false);
    const ended = await atB.next(
      'callUpdated',
      (p) => p.call.callId === callId && p.call.state === 'ended',
      20_000,
    );
    console.log(
      `[calls] owner node cut -> homeowner on B told the call ended: ${(ended.at - diedAt).toFixed(0)} ms`,
    );
    expect(ended.payload.call.outcome).toBe('missed');
    const told = await visitorAtB.next('callEnded', (p) => p.callId === callId, 5_000);
    expect(told.payload).toMatchObject({ outcome: 'missed', reason: 'connection lost' });
    const row = await api<CallView>(b.url, 'GET', `/api/v1/calls/${callId}`, {
      token: owner.token,
    });
    expect(row.body).toMatchObject({ state: 'ended', outcome: 'missed' });
    expect((await b.server.store.calls.get(callId))?.endedAt).not.toBeNull();
    // Another sweep finds nothing left to end (the row is closed once).
    expect(await b.server.doorbell.sweepOrphans()).toBe(0);
  }, 60_000);
});
