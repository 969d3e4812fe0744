/** What the recording player plays: a signed HLS playlist. */
export interface PlaybackSource {
  kind: 'vod' | 'live';
  url: string;
  /**
   * Wall-clock ms of the playlist's start, when known (a seek's time): the position readout falls
   * back to it when the playlist carries no EXT-X-PROGRAM-DATE-TIME.
   */
  startAt: number | null;
}

/** Signed URLs live this long; hls.js keeps loading segments through them while playing. */
export const PLAYBACK_TTL_SECONDS = 4 * 3600;

/** A seek this close to now has nothing to play yet: it starts this far back instead. */
export const MIN_VOD_MS = 5_000;

export const SPEEDS = [0.5, 1, 2, 4] as const;
