/**
 * Every tunable of the SDK with its default, in one place. Options objects elsewhere are
 * `Partial<...>` of these and get merged over them, so a default changes here and nowhere else.
 */

/** How the client retries a lost signaling connection. */
export interface ReconnectPolicy {
  /** Delay before the first retry (ms). */
  initialDelayMs: number;
  /** Upper bound of any retry delay (ms). */
  maxDelayMs: number;
  /** Each further retry waits `multiplier` times longer, up to `maxDelayMs`. */
  multiplier: number;
  /**
   * Random spread applied to every delay, 0..1 (0.2 = ±20 %). Spreads a site's devices out after
   * a server restart instead of having them all hit it on the same tick.
   */
  jitter: number;
  /** Retries in a row before giving up and closing the client (`Infinity` = never give up). */
  maxAttempts: number;
}

/** Signaling reconnects: exponential backoff from 0.5 s to 10 s with 20 % jitter, forever. */
export const DEFAULT_RECONNECT_POLICY: Readonly<ReconnectPolicy> = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.2,
  maxAttempts: Infinity,
});

/** How long a request waits for its acknowledgement before failing with `TIMEOUT` (ms). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Retries of a media operation the server answered with a transient error (`UNAVAILABLE` while it
 * rebuilds media, `RATE_LIMITED` when a rebuild fires many requests at once). Short delays: the
 * point is to get video back quickly after a media reset.
 */
export const DEFAULT_TRANSIENT_RETRY_POLICY: Readonly<ReconnectPolicy> = Object.freeze({
  initialDelayMs: 150,
  maxDelayMs: 2_000,
  multiplier: 2,
  jitter: 0.2,
  maxAttempts: 8,
});

/** ICE recovery of one transport. */
export interface IcePolicy {
  /**
   * Restart ICE if 'disconnected' lasts this long (ms); 'failed' restarts at once. Short: the
   * browser says 'disconnected' only after seconds without an answer, when video has frozen
   * already, and a restart on a path that was about to heal costs one round trip.
   */
  disconnectedGraceMs: number;
  /** After a restart, if the transport is still not connected after this long, restart again (ms). */
  restartRetryMs: number;
}

/** ICE recovery: restart after 0.5 s `disconnected` (at once on `failed`), again every 8 s until connected. */
export const DEFAULT_ICE_POLICY: Readonly<IcePolicy> = Object.freeze({
  disconnectedGraceMs: 500,
  restartRetryMs: 8_000,
});

/**
 * How long a subscription whose producer vanished waits for the same source to be published again
 * (after a media reset, or when a camera reconnects) before it ends (ms). Long enough for a
 * camera to re-publish after a worker crash or a short network drop.
 */
export const DEFAULT_RESUBSCRIBE_GRACE_MS = 10_000;

/** One simulcast layer: how much smaller than the source it is, and its bitrate cap. */
export interface SimulcastLayer {
  scaleResolutionDownBy: number;
  maxBitrate: number;
}

/**
 * Simulcast ladder, lowest layer first. Sources at least `threeLayersMinWidth` wide get all three;
 * sources at least `twoLayersMinWidth` wide get the top two (halved and full); smaller ones are
 * sent as a single encoding because a quarter of them is too small to be useful.
 */
export const SIMULCAST = Object.freeze({
  twoLayersMinWidth: 640,
  threeLayersMinWidth: 960,
  threeLayers: [
    { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
    { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
    { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
  ] as readonly SimulcastLayer[],
  twoLayers: [
    { scaleResolutionDownBy: 2, maxBitrate: 150_000 },
    { scaleResolutionDownBy: 1, maxBitrate: 500_000 },
  ] as readonly SimulcastLayer[],
});

/** Video codec used when the caller does not say: H264 is hardware-encoded on most phones. */
export const DEFAULT_VIDEO_CODEC = 'h264' as const;
