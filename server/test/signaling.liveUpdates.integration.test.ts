import '../../tests/support/http.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationMap, ProducerInfo } from '@porchlight/protocol';
import { PorchlightApi } from '@porchlight/sdk';
import { connectRaw, fakeVp8RtpParameters, type RawClient } from '../../tests/support/rawClient.ts';
import { grantRecord } from '../../tests/support/records.ts';
import { startTestServer, type TestServer } from '../../tests/support/testServer.ts';

/** Waits for the next `name` notification on `client` that satisfies `match`. */
function next<K extends keyof NotificationMap>(
  client: RawClient,
  name: K,
  match: (payload: NotificationMap[K]) => boolean = () => true,
): Promise<NotificationMap[K]> {
  // socket.io-client's socket is untyped: listen by plain event name.
  const event: string = name;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within 5 s`)), 5000);
    const on = (payload: NotificationMap[K]): void => {
      if (!match(payload)) return;
      clearTimeout(timer);
      client.socket.off(event, on);
      resolve(payload);
    };
    client.socket.on(event, on);
  });
}

/**
 * Issue 11: a renamed camera reaches every live view at once, and each viewer is told what it may
 * do with each device (so the apps show only the controls that work), again when grants change.
 */
describe('live renames and allowed actions, through the real signaling server', () => {
  let ts: TestServer;
  let camera: RawClient;
  let deviceId: string;
  let producerId: string;
  let owner: RawClient;
  let ownerToken: string;
  let guest: RawClient;
  let guestId: string;
  let ownerJoin: ProducerInfo[];
  let guestJoin: ProducerInfo[];

  async function viewer(token: string): Promise<{ client: RawClient; producers: ProducerInfo[] }> {
    const client = await connectRaw(ts.url, token);
    const j = await client.request<{ producers: ProducerInfo[] }>('join', {});
    if (!j.ok) throw new Error(j.error.message);
    return { client, producers: j.data.producers };
  }

  beforeAll(async () => {
    ts = await startTestServer();
    const cam = await ts.mintWithId('camera', { label: 'Camera 1' });
    deviceId = cam.id;
    camera = await connectRaw(ts.url, cam.token);
    expect((await camera.request('join', {})).ok).toBe(true);
    const t = await camera.request<{ id: string }>('createTransport', { direction: 'send' });
    if (!t.ok) throw new Error(t.error.message);
    const p = await camera.request<{ producerId: string }>('produce', {
      transportId: t.data.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: fakeVp8RtpParameters(4242),
    });
    if (!p.ok) throw new Error(p.error.message);
    producerId = p.data.producerId;
    ownerToken = await ts.mint('viewer', { siteRole: 'owner' });
    const g = await ts.mintWithId('viewer', { siteRole: 'guest' });
    guestId = g.id;
    ({ client: owner, producers: ownerJoin } = await viewer(ownerToken));
    ({ client: guest, producers: guestJoin } = await viewer(g.token));
  }, 30_000);

  afterAll(async () => {
    for (const c of [camera, owner, guest]) c?.socket.close();
    await ts?.close();
  });

  it('announces per viewer what it may do with the device', () => {
    const mine = ownerJoin.find((p) => p.producerId === producerId);
    const theirs = guestJoin.find((p) => p.producerId === producerId);
    expect(mine?.allowed).toEqual(
      expect.arrayContaining(['stream:view-live', 'stream:talk', 'stream:view-recording']),
    );
    expect(theirs?.allowed).toEqual(['stream:view-live']);
  });

  it('sends a rename to every viewer and to the camera itself, at once', async () => {
    const ownerHears = next(owner, 'producerUpdated', (p) => p.producerId === producerId);
    const guestHears = next(guest, 'producerUpdated', (p) => p.producerId === producerId);
    const cameraHears = next(camera, 'deviceRenamed');
    const api = new PorchlightApi({ url: ts.url, getToken: () => Promise.resolve(ownerToken) });
    await api.renameDevice(ts.siteId, deviceId, 'Porch');

    expect((await ownerHears).label).toBe('Porch');
    const g = await guestHears;
    expect(g.label).toBe('Porch');
    // Still the guest's own view of the device, not the owner's.
    expect(g.allowed).toEqual(['stream:view-live']);
    expect(await cameraHears).toEqual({ deviceId, name: 'Porch' });

    // Who joins afterwards sees the new name too.
    const late = await viewer(ownerToken);
    expect(late.producers.find((p) => p.producerId === producerId)?.label).toBe('Porch');
    late.client.socket.close();
  });

  it('re-announces the allowed actions when a grant changes', async () => {
    const heard = next(guest, 'producerUpdated', (p) => p.allowed.includes('stream:talk'));
    await ts.server.store.grants.create(grantRecord(guestId, ts.siteId, 'member'));
    ts.server.identity.events.safeEmit('principalChanged', { kind: 'account', id: guestId });
    const info = await heard;
    expect(info.producerId).toBe(producerId);
    expect(info.allowed).toEqual(expect.arrayContaining(['stream:view-live', 'stream:talk']));
  });
});
