/**
 * A visitor's video message after a missed call, end to end: the visitor (its call's credential,
 * @roamhq/wrtc + the SDK) re-joins the call room and publishes camera and microphone, the recording
 * pipeline stores it (encrypted, indexed) under the call's own stream, the door's history carries
 * a signed HLS URL that ffprobe and ffmpeg read, and the push adapter is told.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PorchlightClient, type CallNotification } from '@porchlight/sdk';
import type { CallPage } from '@porchlight/protocol';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { installWrtcGlobals, syntheticCamera, YUV } from '../../../tests/support/wrtc.ts';
import { syntheticMicrophone } from '../../../tests/support/wrtcAudio.ts';
import { decodeFrames, ffprobe, until } from '../recording/support.ts';
import { messageStreamKey } from '../../src/recording/MessageRecorder.ts';
import { createDoor, ring, type Door } from './world.ts';

installWrtcGlobals();

/** The cap of this server (config doorbell.maxMessageSeconds): short, so the test sees it act. */
const CAP_SECONDS = 8;

describe('visitor video message', () => {
  let ts: TestServer;
  let owner: { token: string; id: string };
  let door: Door;
  const cleanup: (() => void)[] = [];

  beforeAll(async () => {
    ts = await startTestServer({
      // The shortest ring window a door may have: calls are missed 10 s after the ring.
      doorbell: { ringWindowSeconds: 10, maxMessageSeconds: CAP_SECONDS },
    });
    owner = await ts.mintWithId('viewer', { siteRole: 'owner', label: 'Olivia' });
    door = await createDoor(ts, owner.token);
  });
  afterAll(async () => {
    for (const c of cleanup.reverse()) c();
    await ts?.close();
  });

  const visit = (credential: string, path: string) =>
    api<{
      startedAt?: number;
      maxSeconds?: number;
      durationSeconds?: number;
      error?: { code: string };
    }>(ts.url, 'POST', `/api/v1/visit/call/${path}`, { token: credential, body: {} });

  /** Rings and lets the call go unanswered; resolves once the history says `missed`. */
  async function missedCall(): Promise<{ callId: string; credential: string }> {
    const rung = await ring(ts, door.doorToken);
    expect(rung.status).toBe(201);
    const callId = rung.body.call.callId;
    await until(
      'the call is missed',
      async () => (await ts.server.doorbell.calls.find(callId))?.outcome === 'missed',
      20_000,
    );
    return { callId, credential: rung.body.credential };
  }

  /** The visitor's page: joins the call room and publishes a camera and a microphone. */
  async function publish(credential: string, callId: string) {
    const c = new PorchlightClient({
      url: ts.url,
      token: credential,
      callId,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    const cam = syntheticCamera(320, 240, YUV.blue);
    const mic = syntheticMicrophone();
    cleanup.push(() => c.close(), cam.stop, mic.stop);
    await c.connect();
    await c.publish(cam.track, { source: 'camera', simulcast: false });
    await c.publish(mic.track, { source: 'microphone' });
    return c;
  }

  /** Milliseconds of the message stored so far (the index: what playback will serve). */
  async function storedMs(callId: string): Promise<number> {
    const t = await ts.server.recording.index.streamTotals(messageStreamKey(callId));
    return t.firstTime !== null && t.lastTime !== null ? t.lastTime - t.firstTime : 0;
  }

  async function history(token: string) {
    return api<CallPage>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/doors/${door.id}/calls?limit=20`,
      { token },
    );
  }

  it('records a ~3 s message into the history: HLS with H264 + Opus, pushed to the household', async () => {
    const pushed = vi.spyOn(ts.server.notify.doorbell, 'message');
    const home = new PorchlightClient({
      url: ts.url,
      token: owner.token,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    cleanup.push(() => home.close());
    const homeCalls: CallNotification[] = [];
    home.on('call', (n) => homeCalls.push(n));
    await home.connect();

    const { callId, credential } = await missedCall();
    const started = await visit(credential, 'message');
    expect(started.status).toBe(201);
    expect(started.body.maxSeconds).toBe(CAP_SECONDS);
    await publish(credential, callId);
    await until('a first segment stored', async () => (await storedMs(callId)) >= 2000, 30_000);
    const stopped = await visit(credential, 'message/stop');
    expect(stopped.status).toBe(200);
    const seconds = stopped.body.durationSeconds!;
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeLessThan(CAP_SECONDS + 1);

    // The household hears of it: the socket's call is refreshed and the push adapter is called.
    await until('push adapter told', () => pushed.mock.calls.length > 0);
    const [pushedCall, ids] = pushed.mock.calls[0]!;
    expect(pushedCall.callId).toBe(callId);
    expect(ids).toContain(owner.id);
    expect(
      homeCalls.some((n) => n.name === 'callUpdated' && n.payload.call.callId === callId),
    ).toBe(true);

    const page = await history(owner.token);
    expect(page.status).toBe(200);
    const record = page.body.calls.find((c) => c.callId === callId)!;
    expect(record.outcome).toBe('missed');
    expect(record.messageSeconds).toBe(seconds);
    const url = record.messageUrl!;
    expect(url).toMatch(/\/media\/[^/]+\/vod\.m3u8$/);

    // An independent client reads it: H264 video and Opus audio, as long as the message.
    const probe = await ffprobe(url);
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['h264', 'opus']);
    expect(Math.abs(Number(probe.format.duration) - seconds)).toBeLessThanOrEqual(1);
    expect(await decodeFrames(url)).toBeGreaterThan(seconds * 10);

    // One message per call.
    const again = await visit(credential, 'message');
    expect(again.status).toBe(409);
  }, 120_000);

  it('stops a message at the cap (config doorbell.maxMessageSeconds)', async () => {
    const { callId, credential } = await missedCall();
    expect((await visit(credential, 'message')).status).toBe(201);
    await publish(credential, callId);
    // Nobody stops it: the server does, and files it.
    const record = await until(
      'the message is filed',
      async () =>
        (await history(owner.token)).body.calls.find(
          (c) => c.callId === callId && c.messageUrl !== null,
        ),
      40_000,
    );
    expect(record.messageSeconds!).toBeGreaterThan(CAP_SECONDS - 2);
    expect(record.messageSeconds!).toBeLessThanOrEqual(CAP_SECONDS + 1);
    // Stopped: a later stop is refused, and the room is closed to the visitor again.
    expect((await visit(credential, 'message/stop')).status).toBe(409);
  }, 120_000);

  it('refuses a message for an answered call, another call, and people without rights', async () => {
    // An answered call takes no message.
    const rung = await ring(ts, door.doorToken);
    const answered = rung.body.call.callId;
    expect(
      (
        await api(ts.url, 'POST', `/api/v1/calls/${answered}/answer`, {
          token: owner.token,
          body: { deviceLabel: 'Phone' },
        })
      ).status,
    ).toBe(200);
    await api(ts.url, 'POST', `/api/v1/calls/${answered}/hangup`, {
      token: owner.token,
      body: {},
    });
    const refused = await visit(rung.body.credential, 'message');
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('CONFLICT');

    // Another call's credential joins neither the missed call's room nor its message.
    const { callId } = await missedCall();
    expect((await visit(rung.body.credential, 'message/stop')).status).toBe(409);
    const intruder = new PorchlightClient({
      url: ts.url,
      token: rung.body.credential,
      callId,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    cleanup.push(() => intruder.close());
    await expect(intruder.connect()).rejects.toThrow(/not your call/);
    intruder.close();

    // A member whose grant covers another camera only sees no history of this door at all.
    const other = await ts.mintWithId('camera', { label: 'Garden' });
    const scoped = await ts.mintWithId('viewer', { siteRole: 'member', deviceIds: [other.id] });
    expect((await history(scoped.token)).status).toBe(403);
    // A playback URL minted for them (as if leaked from elsewhere) is refused by the media server.
    const token = ts.server.recording.api.tokens.mint({
      deviceId: messageStreamKey(callId),
      siteId: ts.siteId,
      principal: { kind: 'account', id: scoped.id },
      from: 0,
      to: Date.now() + 60_000,
      expiresAt: Date.now() + 60_000,
    });
    const res = await fetch(`${ts.url}/media/${token}/vod.m3u8`);
    expect(res.status).toBe(403);
  }, 120_000);
});
