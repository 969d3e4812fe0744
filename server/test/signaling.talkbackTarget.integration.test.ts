import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProducerInfo } from '@porchlight/protocol';
import {
  connectRaw,
  fakeVp8RtpParameters,
  vp8RtpCapabilities,
  type RawClient,
} from '../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../tests/support/testServer.ts';

const opus = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc }],
});

interface Camera {
  client: RawClient;
  peerId: string;
  producerId: string;
  /** Talk-back announced to this camera. */
  heard: ProducerInfo[];
}

/**
 * Talk-back without targetPeerId goes to the camera being watched: the one camera whose media the
 * viewer consumes. None or several is refused (BAD_REQUEST), never broadcast (issue 9 §5).
 */
describe('talk-back without a target, through the real signaling server', () => {
  let ts: TestServer;
  let front: Camera;
  let side: Camera;
  let viewer: RawClient;
  let send: string;
  let recv: string;
  let ssrc = 1000;

  async function camera(label: string, videoSsrc: number): Promise<Camera> {
    const client = await connectRaw(ts.url, await ts.mint('camera', { label }));
    const heard: ProducerInfo[] = [];
    client.socket.on('producerAdded', (p: ProducerInfo) => heard.push(p));
    const j = await client.request<{ peerId: string }>('join', {});
    const t = await client.request<{ id: string }>('createTransport', { direction: 'send' });
    if (!j.ok || !t.ok) throw new Error('camera setup failed');
    const p = await client.request<{ producerId: string }>('produce', {
      transportId: t.data.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: fakeVp8RtpParameters(videoSsrc),
    });
    if (!p.ok) throw new Error(p.error.message);
    return { client, peerId: j.data.peerId, producerId: p.data.producerId, heard };
  }

  const talk = (targetPeerId?: string) =>
    viewer.request<{ producerId: string }>('produce', {
      transportId: send,
      kind: 'audio',
      source: 'talkback',
      rtpParameters: opus(++ssrc),
      ...(targetPeerId !== undefined ? { targetPeerId } : {}),
    });

  const watch = (cam: Camera) =>
    viewer.request<{ id: string }>('consume', {
      transportId: recv,
      producerId: cam.producerId,
      rtpCapabilities: vp8RtpCapabilities,
    });

  /** Lets notifications already sent reach the sockets. */
  const settle = () => new Promise((r) => setTimeout(r, 200));

  beforeAll(async () => {
    ts = await startTestServer();
    front = await camera('Front', 101);
    side = await camera('Side', 102);
    viewer = await connectRaw(ts.url, await ts.mint('viewer'));
    expect((await viewer.request('join', {})).ok).toBe(true);
    const s = await viewer.request<{ id: string }>('createTransport', { direction: 'send' });
    const r = await viewer.request<{ id: string }>('createTransport', { direction: 'recv' });
    if (!s.ok || !r.ok) throw new Error('viewer setup failed');
    send = s.data.id;
    recv = r.data.id;
  });

  afterAll(async () => {
    for (const c of [viewer, front?.client, side?.client]) c?.close();
    await ts?.close();
  });

  it('is refused while the viewer watches no camera', async () => {
    const res = await talk();
    expect(res).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/not watching any camera/) },
    });
  });

  it('goes to the one camera being watched, and only to it', async () => {
    expect((await watch(front)).ok).toBe(true);
    const res = await talk();
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    await settle();
    expect(front.heard.map((p) => p.producerId)).toContain(res.data.producerId);
    expect(side.heard.map((p) => p.producerId)).not.toContain(res.data.producerId);
    expect((await viewer.request('closeProducer', { producerId: res.data.producerId })).ok).toBe(
      true,
    );
  });

  it('is refused as ambiguous while several cameras are watched; a target still works', async () => {
    expect((await watch(side)).ok).toBe(true);
    const res = await talk();
    expect(res).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/watching 2 cameras/) },
    });
    const aimed = await talk(side.peerId);
    expect(aimed.ok).toBe(true);
    if (!aimed.ok) return;
    await settle();
    expect(side.heard.map((p) => p.producerId)).toContain(aimed.data.producerId);
    expect(front.heard.map((p) => p.producerId)).not.toContain(aimed.data.producerId);
  });
});
