/**
 * `@porchlight/sdk/node`: server-side integrations. A REST client that authenticates with a
 * scoped API key, signed media downloads (recording clips), and live media in Node through an
 * injected WebRTC implementation (for example `@roamhq/wrtc`). Everything of the root entry is
 * re-exported, so one import serves a Node integration.
 *
 * @packageDocumentation
 */
export * from './index.ts';
export { createApiKeyClient, downloadClip, fetchSignedMedia } from './node-api.ts';
export type { ApiKeyClientOptions, ClipDownload, ClipRequest } from './node-api.ts';
export { createNodeClient, installWebRtc } from './node-media.ts';
export type { NodeClientOptions, WebRtcImplementation } from './node-media.ts';
