import type { types } from 'mediasoup-client';
import { SIMULCAST } from './defaults.ts';

/**
 * Encodings for a video track of the given width: three simulcast layers for wide sources, two
 * for medium ones, none (one encoding, chosen by the browser) for small ones or when simulcast is
 * off. Returns undefined for "single encoding" so mediasoup-client applies its own defaults.
 */
export function chooseEncodings(
  width: number | undefined,
  simulcast: boolean,
): types.RtpEncodingParameters[] | undefined {
  if (!simulcast || width === undefined || !(width >= SIMULCAST.twoLayersMinWidth))
    return undefined;
  const ladder =
    width >= SIMULCAST.threeLayersMinWidth ? SIMULCAST.threeLayers : SIMULCAST.twoLayers;
  return ladder.map((layer) => ({
    scaleResolutionDownBy: layer.scaleResolutionDownBy,
    maxBitrate: layer.maxBitrate,
  }));
}

/** Width of a track as the capturer reports it (undefined where getSettings is missing). */
export function trackWidth(track: MediaStreamTrack): number | undefined {
  const settings = typeof track.getSettings === 'function' ? track.getSettings() : undefined;
  return settings?.width;
}
