/**
 * The two players compared by the LL-HLS bench, both hls.js in Chromium on the same live
 * playlist (which lists full segments and LL-HLS parts).
 */
import { LIVE_CONFIG } from '../../apps/home/src/recording/hlsConfig.ts';

/** The app's own live settings. */
export const LL_HLS_CONFIG: Record<string, unknown> = { ...LIVE_CONFIG };

/**
 * Plain HLS: the same playlist played from its full segments only (hls.js ignores the parts
 * without lowLatencyMode), with the app's live settings before LL-HLS (5 s behind the edge).
 */
export const PLAIN_HLS_CONFIG = {
  enableWorker: false,
  lowLatencyMode: false,
  liveSyncDuration: 5,
  liveMaxLatencyDuration: 15,
  maxLiveSyncPlaybackRate: 1.5,
  backBufferLength: 30,
};

export type Mode = 'll-hls' | 'plain-hls';

export const CONFIGS: Record<Mode, Record<string, unknown>> = {
  'll-hls': LL_HLS_CONFIG,
  'plain-hls': PLAIN_HLS_CONFIG,
};
