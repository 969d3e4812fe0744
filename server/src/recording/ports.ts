import type { PlaybackTokens } from './playback/PlaybackTokens.ts';
import type { RecordingService } from './RecordingService.ts';

/**
 * What recording offers the layers above it (the REST API): the service, playback URL signing and
 * key rotation. The composition root hands it over, so recording never imports its consumers.
 */
export interface RecordingPort {
  service: RecordingService;
  tokens: PlaybackTokens;
  /** Default lifetime of signed playback URLs (seconds). */
  playbackTtlSeconds: number;
  /** New data keys for every stream and every data key re-wrapped under the current master key. */
  rotateKeys(): Promise<{ rotated: number; rewrapped: number }>;
}
