import wrtc from '@roamhq/wrtc';
import { installWebRtc, type WebRtcImplementation } from '@porchlight/sdk/node';

/**
 * Installs @roamhq/wrtc (a real libwebrtc) as the WebRTC globals mediasoup-client expects, so the
 * SDK runs in Node as a non-browser peer (the SDK's own `installWebRtc`). Idempotent.
 */
export function installWrtcGlobals(): typeof wrtc {
  installWebRtc(wrtc as unknown as WebRtcImplementation);
  return wrtc;
}

/** BT.601 limited-range YUV of a few solid colours. */
export const YUV = { red: [81, 90, 240], blue: [41, 240, 110] } as const;

/** A synthetic camera: an RTCVideoSource fed with solid I420 frames at `fps`. */
export function syntheticCamera(
  width: number,
  height: number,
  yuv: readonly [number, number, number],
  fps = 30,
) {
  const w = installWrtcGlobals();
  const source = new w.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const frame = new Uint8Array(width * height * 1.5);
  frame.fill(yuv[0], 0, width * height);
  frame.fill(yuv[1], width * height, width * height * 1.25);
  frame.fill(yuv[2], width * height * 1.25);
  const timer = setInterval(() => source.onFrame({ width, height, data: frame }), 1000 / fps);
  return {
    track: track as unknown as MediaStreamTrack,
    stop: () => {
      clearInterval(timer);
      track.stop();
    },
  };
}

/** Counts decoded frames of a remote video track and reports the mean luma of the last one. */
export function frameCounter(track: MediaStreamTrack) {
  const w = installWrtcGlobals();
  const sink = new w.nonstandard.RTCVideoSink(track as never);
  const state = { frames: 0, width: 0, height: 0, meanY: 0 };
  sink.onframe = (event: Event) => {
    const { frame } = event as unknown as {
      frame: { width: number; height: number; data: Uint8Array };
    };
    state.frames++;
    state.width = frame.width;
    state.height = frame.height;
    const y = frame.data.subarray(0, frame.width * frame.height);
    let sum = 0;
    for (let i = 0; i < y.length; i += 97) sum += y[i]!;
    state.meanY = sum / Math.ceil(y.length / 97);
  };
  return { state, stop: () => sink.stop() };
}
