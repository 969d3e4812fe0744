/**
 * Media of a doorbell call, with real WebRTC peers (@roamhq/wrtc + the SDK): the visitor's camera
 * and microphone reach the homeowners in the call's own room (a ringing one may preview the
 * video), only the answerer talks back, and the visitor hears them (audio energy) and sees their
 * video when it is turned on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PorchlightApi,
  PorchlightClient,
  VisitorCallSession,
  type CallNotification,
} from '@porchlight/sdk';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import {
  frameCounter,
  installWrtcGlobals,
  syntheticCamera,
  YUV,
} from '../../../tests/support/wrtc.ts';
import { audioMeter, syntheticMicrophone } from '../../../tests/support/wrtcAudio.ts';
import { createDoor, ring } from './world.ts';

installWrtcGlobals();

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('doorbell call media', () => {
  let ts: TestServer;
  const cleanup: (() => void)[] = [];
  const client = (token: string, callId: string, label?: string) => {
    const c = new PorchlightClient({
      url: ts.url,
      token,
      callId,
      ...(label ? { label } : {}),
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    cleanup.push(() => c.close());
    return c;
  };

  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    for (const c of cleanup.reverse()) c();
    await ts?.close();
  });

  it('visitor -> homeowners video and audio; answerer -> visitor audio and video', async () => {
    const owner = await ts.mintWithId('viewer', { siteRole: 'owner', label: 'Olivia' });
    const member = await ts.mintWithId('viewer', { siteRole: 'member', label: 'Max' });
    const door = await createDoor(ts, owner.token);
    // The member's app, open on the site: the SDK hands call notifications to it.
    const app = new PorchlightClient({
      url: ts.url,
      token: member.token,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    cleanup.push(() => app.close());
    const appCalls: CallNotification[] = [];
    app.on('call', (n) => appCalls.push(n));
    await app.connect();
    const rung = await ring(ts, door.doorToken);
    const callId = rung.body.call.callId;
    await until('the app rings', () => appCalls.some((n) => n.name === 'callRinging'));

    // The visitor's page publishes camera and microphone into the call room.
    const visitor = client(rung.body.credential, callId);
    const visitorCalls: CallNotification[] = [];
    visitor.on('call', (n) => visitorCalls.push(n));
    await visitor.connect();
    expect(visitor.role).toBe('visitor');
    const cam = syntheticCamera(320, 240, YUV.red);
    const mic = syntheticMicrophone();
    cleanup.push(cam.stop, mic.stop);
    await visitor.publish(cam.track, { source: 'camera', simulcast: false });
    await visitor.publish(mic.track, { source: 'microphone' });

    // A ringing homeowner previews the visitor's video before answering; talking is refused.
    const preview = client(member.token, callId, 'Kitchen tablet');
    await preview.connect();
    expect(preview.role).toBe('callee');
    await until('the visitor announced', () =>
      preview.producers.some((p) => p.source === 'camera'),
    );
    const pv = await preview.watch(
      preview.producers.find((p) => p.source === 'camera')!.producerId,
    );
    const pvFrames = frameCounter(pv.track!);
    cleanup.push(pvFrames.stop);
    await until('preview frames', () => pvFrames.state.frames >= 5);
    const earlyMic = syntheticMicrophone();
    cleanup.push(earlyMic.stop);
    await expect(preview.publish(earlyMic.track, { source: 'callAudio' })).rejects.toThrow(
      /answer the call before talking/,
    );

    // The owner answers from another device and joins the room to talk.
    const answer = await api(ts.url, 'POST', `/api/v1/calls/${callId}/answer`, {
      token: owner.token,
      body: { deviceLabel: 'Phone' },
    });
    expect(answer.status).toBe(200);
    await until('the app is told who answered', () =>
      appCalls.some((n) => n.name === 'callUpdated' && n.payload.call.state === 'answered'),
    );
    await until('the visitor is told', () => visitorCalls.some((n) => n.name === 'callAnswered'));
    const home = client(owner.token, callId, 'Phone');
    await home.connect();
    const answeredAt = performance.now();
    const homeMic = syntheticMicrophone();
    cleanup.push(homeMic.stop);
    await home.publish(homeMic.track, { source: 'callAudio' });
    await until(
      'visitor media announced',
      () =>
        home.producers.some((p) => p.source === 'camera') &&
        home.producers.some((p) => p.source === 'microphone'),
    );
    const seeVisitor = await home.watch(
      home.producers.find((p) => p.source === 'camera')!.producerId,
    );
    const hearVisitor = await home.watch(
      home.producers.find((p) => p.source === 'microphone')!.producerId,
    );
    const homeFrames = frameCounter(seeVisitor.track!);
    const homeEars = audioMeter(hearVisitor.track!);
    cleanup.push(homeFrames.stop, homeEars.stop);

    // The visitor hears the answerer (and only the answerer publishes there).
    await until('answerer audio announced', () =>
      visitor.producers.some((p) => p.source === 'callAudio'),
    );
    expect(visitor.producers.map((p) => p.source)).toEqual(['callAudio']);
    const visitorEars = audioMeter(
      (await visitor.watch(visitor.producers.find((p) => p.source === 'callAudio')!.producerId))
        .track!,
    );
    cleanup.push(visitorEars.stop);

    await until('homeowner decodes the visitor', () => homeFrames.state.frames >= 10);
    expect(homeFrames.state.meanY).toBeGreaterThan(65);
    expect(homeFrames.state.meanY).toBeLessThan(100);
    await until('homeowner hears the visitor', () => homeEars.state.rms > 1000);
    await until('visitor hears the answerer', () => visitorEars.state.rms > 1000);
    console.log(
      `[doorbell] answer -> first loud audio at the visitor: ${(visitorEars.state.firstLoudAt - answeredAt).toFixed(0)} ms`,
    );

    // The homeowner turns video on: the visitor sees it.
    const homeCam = syntheticCamera(320, 240, YUV.blue);
    cleanup.push(homeCam.stop);
    await home.publish(homeCam.track, { source: 'callVideo', simulcast: false });
    await until('answerer video announced', () =>
      visitor.producers.some((p) => p.source === 'callVideo'),
    );
    const visitorSees = frameCounter(
      (await visitor.watch(visitor.producers.find((p) => p.source === 'callVideo')!.producerId))
        .track!,
    );
    cleanup.push(visitorSees.stop);
    await until('visitor decodes the answerer', () => visitorSees.state.frames >= 10);
    // Blue has Y≈41.
    expect(visitorSees.state.meanY).toBeLessThan(60);

    // Hanging up closes the call's room: every media object of it goes.
    await api(ts.url, 'POST', `/api/v1/calls/${callId}/hangup`, { token: owner.token, body: {} });
    await until('call room closed', () => !ts.server.rooms.rooms.has(`call:${callId}`), 5000);
    await until('the visitor is told it ended', () =>
      visitorCalls.some((n) => n.name === 'callEnded' && n.payload.outcome === 'answered'),
    );
  });

  it("the SDK's VisitorCallSession: answered, the answerer's audio, a quick reply, the end", async () => {
    const owner = await ts.mintWithId('viewer', { siteRole: 'owner', label: 'Olivia' });
    const door = await createDoor(ts, owner.token, 'Gate');
    const api_ = new PorchlightApi({ url: ts.url });
    const session = await VisitorCallSession.start(await api_.ringDoor(door.doorToken), api_, {
      url: ts.url,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    cleanup.push(() => session.close());
    const events: string[] = [];
    let meter: ReturnType<typeof audioMeter> | undefined;
    session.on('answered', (name) => events.push(`answered:${name}`));
    session.on('quickReply', (text) => events.push(`reply:${text}`));
    session.on('ended', (outcome) => events.push(`ended:${outcome}`));
    session.on('remoteTrack', (source, track) => {
      events.push(`track:${source}`);
      if (source === 'callAudio') {
        meter = audioMeter(track);
        cleanup.push(meter.stop);
      }
    });
    const mic = syntheticMicrophone();
    cleanup.push(mic.stop);
    await session.publish(mic.track, 'microphone');
    expect((await session.status()).state).toBe('ringing');

    const callId = session.callId;
    await api(ts.url, 'POST', `/api/v1/calls/${callId}/answer`, {
      token: owner.token,
      body: { deviceLabel: 'Phone' },
    });
    const home = client(owner.token, callId);
    await home.connect();
    const homeMic = syntheticMicrophone();
    cleanup.push(homeMic.stop);
    await home.publish(homeMic.track, { source: 'callAudio' });
    await api(ts.url, 'POST', `/api/v1/calls/${callId}/quick-reply`, {
      token: owner.token,
      body: { text: 'One moment' },
    });
    await until('the answerer is heard', () => (meter?.state.rms ?? 0) > 1000);
    await api(ts.url, 'POST', `/api/v1/calls/${callId}/hangup`, { token: owner.token, body: {} });
    await until('ended', () => events.includes('ended:answered'));
    expect(events).toEqual(
      expect.arrayContaining(['answered:Olivia', 'reply:One moment', 'track:callAudio']),
    );
    expect(session.client.state).toBe('closed');
  });
});
