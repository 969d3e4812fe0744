import type {
  ClipAudio,
  PlaybackRequest,
  RecordingFragment,
  RecordingFragmentQuery,
  RecordingPatch,
  RecordingPlayback,
  RecordingStreamView,
  RecordingThumbnail,
  RecordingThumbnailQuery,
  RecordingTimeline,
  RecordingUsage,
  RecordingUsageQuery,
  TimeRange,
} from '@porchlight/protocol';
import { ApiTransport } from './api-transport.ts';

/**
 * A still of the recording at `at` (unix ms) from a playback's `snapshot` URL, optionally scaled
 * to `width` px.
 */
export function snapshotUrl(snapshot: string, at: number, width?: number): string {
  const params = new URLSearchParams({ at: String(Math.round(at)) });
  if (width !== undefined) params.set('width', String(Math.round(width)));
  return `${snapshot}${snapshot.includes('?') ? '&' : '?'}${params.toString()}`;
}

/**
 * A playback's `clip` URL with the clip's audio codec: `aac` (the server's default, plays in every
 * common player) or `opus` (the recording's own audio, copied; not played by QuickTime and many
 * phones).
 */
export function clipUrl(clip: string, options: { audio?: ClipAudio } = {}): string {
  if (options.audio === undefined) return clip;
  const params = new URLSearchParams({ audio: options.audio });
  return `${clip}${clip.includes('?') ? '&' : '?'}${params.toString()}`;
}

/** The recording calls of {@link PorchlightApi}. */
export abstract class RecordingApi extends ApiTransport {
  /** Every device's recording stream on the site (those the caller may see). */
  async listRecordings(siteId: string): Promise<RecordingStreamView[]> {
    return (await this.call('listRecordings', { params: { siteId } })).streams;
  }

  /** Bytes ingested, served and stored per device and UTC day (`YYYY-MM-DD`, inclusive). */
  async getRecordingUsage(siteId: string, days: RecordingUsageQuery): Promise<RecordingUsage[]> {
    const query = { from: days.from, to: days.to };
    return (await this.call('getRecordingUsage', { params: { siteId }, query })).usage;
  }

  /** A camera's recording settings and state. */
  getRecording(siteId: string, deviceId: string): Promise<RecordingStreamView> {
    return this.call('getRecording', { params: { siteId, deviceId } });
  }

  /** Owners only (FORBIDDEN otherwise). */
  updateRecording(
    siteId: string,
    deviceId: string,
    patch: RecordingPatch,
  ): Promise<RecordingStreamView> {
    return this.call('updateRecording', { params: { siteId, deviceId }, body: patch });
  }

  /** On-demand mode: records until stopRecording, or for `durationSeconds` when given. */
  startRecording(
    siteId: string,
    deviceId: string,
    options: { durationSeconds?: number } = {},
  ): Promise<RecordingStreamView> {
    return this.call('startRecording', {
      params: { siteId, deviceId },
      body: { ...options },
    });
  }

  /** Stops an on-demand recording now. */
  stopRecording(siteId: string, deviceId: string): Promise<RecordingStreamView> {
    return this.call('stopRecording', { params: { siteId, deviceId }, body: {} });
  }

  /**
   * Raises an event (`person`, `doorbell`, `manual`…): in event mode the pre-roll and the
   * post-roll around it are kept. Resolves with when the post-roll ends (unix ms).
   */
  async triggerRecording(siteId: string, deviceId: string, type: string): Promise<number> {
    const params = { siteId, deviceId };
    return (await this.call('triggerRecording', { params, body: { type } })).until;
  }

  /** Recorded ranges (merged) and the gaps between them inside [from, to]. */
  getRecordingTimeline(
    siteId: string,
    deviceId: string,
    window: TimeRange,
  ): Promise<RecordingTimeline> {
    return this.call('getRecordingTimeline', {
      params: { siteId, deviceId },
      query: { from: window.from, to: window.to },
    });
  }

  /** Stored segments overlapping [from, to), oldest first. */
  async listRecordingFragments(
    siteId: string,
    deviceId: string,
    query: RecordingFragmentQuery,
  ): Promise<RecordingFragment[]> {
    const params = { siteId, deviceId };
    return (await this.call('listRecordingFragments', { params, query: { ...query } })).fragments;
  }

  /** Thumbnails spread over [from, to]; their URLs are signed and expire. */
  async listRecordingThumbnails(
    siteId: string,
    deviceId: string,
    query: RecordingThumbnailQuery,
  ): Promise<RecordingThumbnail[]> {
    const params = { siteId, deviceId };
    return (await this.call('listRecordingThumbnails', { params, query: { ...query } })).thumbnails;
  }

  /**
   * Signed URLs to play the recording: the live playlist always, the on-demand playlist and the
   * MP4 clip of [from, to] when both are given.
   */
  createPlayback(
    siteId: string,
    deviceId: string,
    request: PlaybackRequest = {},
  ): Promise<RecordingPlayback> {
    return this.call('createPlayback', {
      params: { siteId, deviceId },
      body: { ...request },
    });
  }

  /** Admin: a new data key per stream, every data key re-wrapped under the current master key. */
  rotateRecordingKeys(): Promise<{ rotated: number; rewrapped: number }> {
    return this.call('rotateRecordingKeys', { body: {} });
  }
}
