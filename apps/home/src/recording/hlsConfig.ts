// The player settings, free of hls.js code (type imports only) so the latency bench plays with
// exactly these.
import type { HlsConfig } from 'hls.js';

/**
 * hls.js settings. No worker: the server's CSP (`script-src 'self'`) forbids the blob: worker
 * hls.js would start, and fMP4 needs no transmuxing anyway.
 */
const COMMON: Partial<HlsConfig> = { enableWorker: false };

/** A recording: keep some played media around for short seeks back. */
export const VOD_CONFIG: Partial<HlsConfig> = {
  ...COMMON,
  backBufferLength: 90,
  maxBufferLength: 30,
};

/**
 * The live playlist is Low-Latency HLS: hls.js loads its parts (~0.5 s each) with blocking
 * playlist reloads and plays PART-HOLD-BACK (3 part targets, ~1.8 s) behind the live edge, as
 * the server says; no `liveSyncDuration` here: it would override that. A playlist without parts
 * (a run whose first segment is still being written) falls back to 3 target durations.
 * Catches up slightly faster than real time when it falls behind.
 */
export const LIVE_CONFIG: Partial<HlsConfig> = {
  ...COMMON,
  lowLatencyMode: true,
  maxLiveSyncPlaybackRate: 1.5,
  backBufferLength: 30,
};
