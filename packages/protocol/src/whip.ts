import { z } from 'zod';

/**
 * WHIP ingest (RFC 9725) and WHEP playback: the HTTP contract (docs/whip-whep.md). A WHIP
 * publisher POSTs an SDP offer for a device and becomes that camera; a WHEP viewer POSTs an offer
 * and receives the camera's live media. Both get a session resource (`Location`) they PATCH with
 * trickle ICE / ICE restarts and DELETE to end.
 */
export const WhipPaths = {
  /** POST: publish as the device (`:deviceId`). */
  whip: '/whip/v1/devices/:deviceId',
  /** PATCH / DELETE: one WHIP session. */
  whipSession: '/whip/v1/sessions/:sessionId',
  /** POST: watch the device's live stream. */
  whep: '/whep/v1/devices/:deviceId',
  /** PATCH / DELETE: one WHEP session. */
  whepSession: '/whep/v1/sessions/:sessionId',
  /** POST (JSON `WhepLayerRequest`): the simulcast layer a WHEP session prefers. */
  whepLayer: '/whep/v1/sessions/:sessionId/layer',
} as const;

/** Content types the endpoints take. */
export const WhipContentType = {
  sdp: 'application/sdp',
  sdpFrag: 'application/trickle-ice-sdpfrag',
  json: 'application/json',
} as const;

/** The link relation of the WHEP layer extension (advertised in a `Link` header). */
export const WHEP_LAYER_REL = 'urn:ietf:params:whep:ext:core:layer';

export const WhipDeviceParams = z.object({ deviceId: z.string().min(1).max(64) });
export const WhipSessionParams = z.object({
  sessionId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a session id'),
});

/** `?layer=` on the WHEP POST: the starting layer (default `high`). */
export const WhepLayerName = z.enum(['low', 'medium', 'high']);
export type WhepLayerName = z.infer<typeof WhepLayerName>;
export const WhepQuery = z.object({ layer: WhepLayerName.optional() }).strict();

/**
 * Layer selection body: a named layer, or explicit mediasoup-style indices (whip-whep's
 * `selectLayer({ encodingId | spatialLayerId, temporalLayerId })` is accepted too).
 */
export const WhepLayerRequest = z.union([
  z.object({ layer: WhepLayerName }).strict(),
  z
    .object({
      spatialLayerId: z.number().int().min(0).max(3),
      temporalLayerId: z.number().int().min(0).max(3).optional(),
    })
    .strict(),
]);
export type WhepLayerRequest = z.infer<typeof WhepLayerRequest>;

/** Error codes of these endpoints beyond the server's general ones. */
export const WhipErrorCode = {
  BadRequest: 'BAD_REQUEST',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
  /** The SDP could not be parsed or breaks a rule (no ICE credentials, no fingerprint...). */
  BadSdp: 'BAD_SDP',
  /** None of the offered codecs can be taken (415-free: the type is right, the content is not). */
  UnsupportedCodec: 'UNSUPPORTED_CODEC',
  /** Wrong Content-Type for the method. */
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  /** A PATCH that is neither a trickle nor an ICE restart. */
  UnsupportedPatch: 'UNSUPPORTED_PATCH',
  /** `If-Match` names another ETag than the session's. */
  PreconditionFailed: 'PRECONDITION_FAILED',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
} as const;
export type WhipErrorCode = (typeof WhipErrorCode)[keyof typeof WhipErrorCode];

/** Body of every 4xx/5xx answer (JSON), like the REST API's. */
export const WhipErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type WhipErrorBody = z.infer<typeof WhipErrorBody>;

/** Largest SDP offer or fragment taken, in bytes. */
export const WHIP_MAX_SDP_BYTES = 64 * 1024;
