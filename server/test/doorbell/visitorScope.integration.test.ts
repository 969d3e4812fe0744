/**
 * A visitor credential allows exactly its call: tried against EVERY REST route and every socket
 * request, it is refused everywhere else (the household's streams, devices, people and APIs).
 */
import { randomUUID } from 'node:crypto';
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
import { createDoor, ring } from './world.ts';

describe('visitor credential scope', () => {
  let ts: TestServer;
  let credential: string;
  let callId: string;
  let doorId: string;
  let doorToken: string;
  let otherCallId: string;
  let ownerToken: string;

  beforeAll(async () => {
    ts = await startTestServer({ doorbell: { ringsPerAddress: 100, ringsPerDoor: 100 } });
    ownerToken = await ts.mint('viewer', { siteRole: 'owner' });
    const door = await createDoor(ts, ownerToken);
    doorId = door.id;
    doorToken = door.doorToken;
    const rung = await ring(ts, door.doorToken);
    credential = rung.body.credential;
    callId = rung.body.call.callId;
    const other = await createDoor(ts, ownerToken, 'Other door');
    otherCallId = (await ring(ts, other.doorToken)).body.call.callId;
  });
  afterAll(async () => {
    await ts?.close();
  });

  /** The route's path with the visitor's own ids where they fit (the most tempting request). */
  function pathOf(p: string): string {
    return p
      .replace(':siteId', ts.siteId)
      .replace(':doorId', doorId)
      .replace(':deviceId', doorId)
      .replace(':callId', callId)
      .replace(/:[A-Za-z]+/g, () => randomUUID());
  }

  it('is refused by every REST route but the visitor routes, which accept it', async () => {
    let refused = 0;
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
      const withIt = await api(ts.url, r.method, pathOf(r.path), {
        token: credential,
        ...(body !== undefined ? { body } : {}),
      });
      if (r.auth === 'visitor') {
        expect([401, 403], `${key} must accept the visitor credential`).not.toContain(
          withIt.status,
        );
        continue;
      }
      if (r.auth === 'public') {
        // Public routes ignore bearers: the credential gets no more than nobody does.
        const without = await api(
          ts.url,
          r.method,
          pathOf(r.path),
          body !== undefined ? { body } : {},
        );
        expect(withIt.status, key).toBe(without.status);
        continue;
      }
      expect(withIt.status, `${key} -> ${JSON.stringify(withIt.body)}`).toBe(401);
      expect(withIt.body).toMatchObject({
        error: { code: 'UNAUTHORIZED', message: 'a visitor credential is only valid for its call' },
      });
      refused++;
    }
    expect(refused).toBeGreaterThan(50);
  });

  it('the visitor routes refuse every other credential', async () => {
    for (const r of routes.filter((x) => x.auth === 'visitor')) {
      for (const token of [ownerToken, await ts.mint('camera'), undefined]) {
        const res = await api(ts.url, r.method, r.path, {
          ...(token ? { token } : {}),
          ...(r.method === 'POST' ? { body: {} } : {}),
        });
        expect(res.status, `${r.method} ${r.path}`).toBe(401);
      }
    }
  });

  it('on the socket: only join of its own call, and inside it only its call media', async () => {
    // A fresh call (the REST sweep above hung the first one up through its visitor route).
    const rung = await ring(ts, doorToken);
    const credential = rung.body.credential;
    const callId = rung.body.call.callId;
    // A camera of the household publishes in the site room.
    const cam = await connectRaw(ts.url, await ts.mint('camera', { label: 'Garden' }));
    expect((await cam.request('join', {})).ok).toBe(true);
    const camSend = await cam.request<{ id: string }>('createTransport', { direction: 'send' });
    if (!camSend.ok) throw new Error(camSend.error.message);
    const camProducer = await cam.request<{ producerId: string }>('produce', {
      transportId: camSend.data.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: fakeVp8RtpParameters(4242),
    });
    if (!camProducer.ok) throw new Error(camProducer.error.message);

    const v = await connectRaw(ts.url, credential);
    // Before joining, every request is refused.
    for (const name of REQUEST_NAMES.filter((n) => n !== 'join')) {
      const res = await v.request(name, {});
      expect(res.ok, name).toBe(false);
    }
    // The site, another call, or no call: refused.
    for (const payload of [{}, { siteId: ts.siteId }, { callId: otherCallId }]) {
      const res = await v.request('join', payload);
      expect(res.ok === false && res.error.code, JSON.stringify(payload)).toBe('FORBIDDEN');
    }
    const joined = await v.request<{ role: string; producers: unknown[]; callId: string }>('join', {
      callId,
    });
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.data).toMatchObject({ role: 'visitor', callId, producers: [] });
    const send = await v.request<{ id: string }>('createTransport', { direction: 'send' });
    const recv = await v.request<{ id: string }>('createTransport', { direction: 'recv' });
    if (!send.ok || !recv.ok) throw new Error('transports');
    // The household camera is not in this room.
    const peek = await v.request('consume', {
      transportId: recv.data.id,
      producerId: camProducer.data.producerId,
      rtpCapabilities: vp8RtpCapabilities,
    });
    expect(peek.ok === false && peek.error.code).toBe('NOT_FOUND');
    // Talk-back and the answerer's sources are not the visitor's to publish.
    for (const source of ['talkback', 'callAudio', 'callVideo'] as const) {
      const res = await v.request('produce', {
        transportId: send.data.id,
        kind: source === 'callVideo' ? 'video' : 'audio',
        source,
        rtpParameters: fakeVp8RtpParameters(7),
      });
      expect(res.ok === false && res.error.code, source).toBe('FORBIDDEN');
    }
    // Its own camera: allowed.
    const own = await v.request('produce', {
      transportId: send.data.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: fakeVp8RtpParameters(8),
    });
    expect(own.ok).toBe(true);
    // A second join is refused like any.
    expect((await v.request('join', { callId })).ok).toBe(false);
    v.close();
    cam.close();
    // A door token is not a socket credential either.
    await expect(connectRaw(ts.url, doorToken)).rejects.toThrow(/UNAUTHORIZED/);
  });
});
