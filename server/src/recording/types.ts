/**
 * The recording domain: shared types of the recorder, the encrypted segment storage, the index and
 * HLS. One recording stream per device (its camera video + microphone audio muxed in fMP4/CMAF).
 */

import type { RecordingMode } from '@porchlight/protocol/vocabulary';

export { RECORDING_MODES, type RecordingMode } from '@porchlight/protocol/vocabulary';

/** Settings and tags of one device's recording stream. The stream id is the device id. */
export interface RecordingStream {
  /** The stream key: a device id, or `msg-<callId>` for a visitor's message. */
  deviceId: string;
  /** The device the recording belongs to (deleting it deletes the recording): the camera itself, or the door a message was left at. */
  ownerDeviceId: string;
  siteId: string;
  mode: RecordingMode;
  /** Segments older than this are deleted (null = kept by age forever). */
  retentionMaxAgeSeconds: number | null;
  /** Oldest segments are deleted while the stream stores more than this (null = unbounded). */
  retentionMaxBytes: number | null;
  /** Event mode: seconds kept in memory before a trigger and persisted with it (>= 5). */
  preRollSeconds: number;
  /** Event mode: seconds recorded after the last trigger. */
  postRollSeconds: number;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/** One recorder run: one ffmpeg process, one init segment (codec configuration). */
export interface RecordingRun {
  id: string;
  deviceId: string;
  siteId: string;
  startedAt: number;
  /** RFC 6381 codecs of the init segment, e.g. `avc1.42e01f,opus`. */
  codecs: string;
  width: number | null;
  height: number | null;
  /** Data key the init segment is encrypted with. */
  keyId: string;
  storageKey: string;
  /** Plaintext size of the init segment. */
  bytes: number;
  /** Bytes as stored (ciphertext + envelope header). */
  storedBytes: number;
}

/** One fMP4 media segment (one or more moof+mdat fragments, first one starts with a keyframe). */
export interface SegmentRecord {
  deviceId: string;
  /** Monotonic per stream across runs; never reused. */
  seq: number;
  runId: string;
  /** Unix ms on the camera's media clock (run anchor + RTP-derived decode time). */
  producerTime: number;
  /** Unix ms when the segment's first fragment reached the server. */
  ingestTime: number;
  durationMs: number;
  /** Plaintext bytes. */
  bytes: number;
  /** Bytes as stored (ciphertext + envelope header). */
  storedBytes: number;
  /** The segment starts with a video keyframe (independently decodable). */
  keyframe: boolean;
  tags: string[];
  keyId: string;
  storageKey: string;
}
