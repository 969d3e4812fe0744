/**
 * The honest pair of the media fuzz: a camera publishing synthetic video through the SDK over
 * real WebRTC, and a viewer decoding it, so a run shows whether real users noticed anything.
 * Also real libwebrtc offers (the valid WHIP and WHEP bodies the fuzz mutates).
 */
import { PorchlightClient } from '@porchlight/sdk';
import type { TestServer } from '../../../tests/support/testServer.ts';
import { until } from '../../../tests/support/until.ts';
import {
  frameCounter,
  installWrtcGlobals,
  syntheticCamera,
  YUV,
} from '../../../tests/support/wrtc.ts';

export interface HonestPair {
  cameraId: string;
  cameraToken: string;
  /** Frames the viewer has decoded so far. */
  frames(): number;
  /** A libwebrtc offer that receives audio and video (WHEP). */
  recvOffer(): Promise<string>;
  /** A libwebrtc offer that sends the synthetic video (WHIP). */
  sendOffer(): Promise<string>;
  stop(): void;
}

function sdkClient(ts: TestServer, token: string): PorchlightClient {
  return new PorchlightClient({
    url: ts.url,
    token,
    device: { handlerName: 'Chrome111' },
    socketOptions: { rejectUnauthorized: false },
  });
}

export async function startHonestPair(ts: TestServer): Promise<HonestPair> {
  const wrtc = installWrtcGlobals();
  const stops: (() => void)[] = [];
  const stop = (): void => {
    for (const s of stops.reverse()) s();
  };
  try {
    const { id: cameraId, token: cameraToken } = await ts.mintWithId('camera', {
      label: 'Honest camera',
    });
    const cam = sdkClient(ts, cameraToken);
    stops.push(() => cam.close());
    await cam.connect();
    const source = syntheticCamera(320, 240, YUV.red, 15);
    stops.push(source.stop);
    await cam.publish(source.track, { source: 'camera', simulcast: false });
    const viewer = sdkClient(ts, await ts.mint('viewer'));
    stops.push(() => viewer.close());
    await viewer.connect();
    const info = await until(
      () => viewer.producers.find((p) => p.deviceId === cameraId && p.source === 'camera'),
      'the honest camera',
      30_000,
    );
    const sub = await viewer.watch(info.producerId);
    const counter = frameCounter(sub.track!);
    stops.push(counter.stop);
    await until(
      () => (counter.state.frames >= 10 ? true : undefined),
      'first honest frames',
      30_000,
    );

    const offer = async (add: (pc: RTCPeerConnection) => void): Promise<string> => {
      const pc = new wrtc.RTCPeerConnection() as unknown as RTCPeerConnection;
      try {
        add(pc);
        const o = await pc.createOffer();
        return o.sdp!;
      } finally {
        pc.close();
      }
    };
    return {
      cameraId,
      cameraToken,
      frames: () => counter.state.frames,
      recvOffer: () =>
        offer((pc) => {
          pc.addTransceiver('audio', { direction: 'recvonly' });
          pc.addTransceiver('video', { direction: 'recvonly' });
        }),
      sendOffer: () => offer((pc) => pc.addTransceiver(source.track, { direction: 'sendonly' })),
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}
