import { PorchlightClient } from './client.ts';
import type { ClientOptions } from './options.ts';

/**
 * A WebRTC implementation for Node, shaped like `@roamhq/wrtc` (or `wrtc`): the W3C classes
 * mediasoup-client needs. Passed in, never imported: the SDK does not depend on a native module.
 */
export interface WebRtcImplementation {
  RTCPeerConnection: unknown;
  RTCSessionDescription: unknown;
  RTCIceCandidate: unknown;
  MediaStream: unknown;
  MediaStreamTrack: unknown;
  RTCRtpSender?: unknown;
  RTCRtpReceiver?: unknown;
  RTCRtpTransceiver?: unknown;
}

const WEBRTC_GLOBALS = [
  'RTCPeerConnection',
  'RTCSessionDescription',
  'RTCIceCandidate',
  'MediaStream',
  'MediaStreamTrack',
  'RTCRtpSender',
  'RTCRtpReceiver',
  'RTCRtpTransceiver',
] as const;

/**
 * Installs a WebRTC implementation as the globals mediasoup-client uses (`RTCPeerConnection`…).
 * Globals already defined are kept. Idempotent. {@link createNodeClient} calls it for you.
 */
export function installWebRtc(wrtc: WebRtcImplementation): void {
  const g = globalThis as Record<string, unknown>;
  const source = wrtc as unknown as Record<string, unknown>;
  for (const name of WEBRTC_GLOBALS) if (source[name] !== undefined) g[name] ??= source[name];
}

/** Options of {@link createNodeClient}: the client's, plus the WebRTC implementation. */
export interface NodeClientOptions extends ClientOptions {
  /** Server origin; required in Node. */
  url: string;
  /** E.g. `import wrtc from '@roamhq/wrtc'` (VP8/VP9/AV1; no H264). */
  wrtc: WebRtcImplementation;
}

/**
 * A {@link PorchlightClient} for Node: installs `wrtc` as the WebRTC globals and picks
 * mediasoup-client's Chrome handler (libwebrtc's unified plan), unless `device` says otherwise.
 *
 * @example
 * ```ts
 * import wrtc from '@roamhq/wrtc';
 * const client = createNodeClient({ url, token: apiKey, siteId, wrtc });
 * await client.connect();
 * const sub = await client.watch(client.producers.find((p) => p.source === 'camera')!.producerId);
 * ```
 */
export function createNodeClient(options: NodeClientOptions): PorchlightClient {
  const { wrtc, ...clientOptions } = options;
  installWebRtc(wrtc);
  return new PorchlightClient({
    ...clientOptions,
    device: clientOptions.device ?? { handlerName: 'Chrome111' },
  });
}
