import type { RecordedInit, RecordedSegment } from './recorder/Recorder.ts';
import type { RecordingRun, SegmentRecord } from './types.ts';

/** Where a sealed object went: its storage key and what the vault wrote. */
export interface StoredObject {
  storageKey: string;
  keyId: string;
  storedBytes: number;
}

/** The index row of a run, from its init segment (codecs, picture size) once that is stored. */
export function runRecord(
  o: { id: string; deviceId: string; siteId: string; anchor: number; init: RecordedInit },
  stored: StoredObject,
): RecordingRun {
  const video = o.init.info.tracks.find((t) => t.kind === 'video');
  return {
    id: o.id,
    deviceId: o.deviceId,
    siteId: o.siteId,
    startedAt: Math.round(o.anchor),
    codecs: o.init.info.codecs,
    width: video?.width ?? null,
    height: video?.height ?? null,
    keyId: stored.keyId,
    storageKey: stored.storageKey,
    bytes: o.init.bytes.length,
    storedBytes: stored.storedBytes,
  };
}

/** The index row of a segment; camera time is the run's anchor plus the segment's media time. */
export function segmentRecord(
  o: { deviceId: string; runId: string; anchor: number; seq: number; tags: string[] },
  segment: RecordedSegment,
  stored: StoredObject,
): SegmentRecord {
  return {
    deviceId: o.deviceId,
    seq: o.seq,
    runId: o.runId,
    producerTime: Math.round(o.anchor + segment.startMs),
    ingestTime: segment.firstByteAt,
    durationMs: Math.max(1, Math.round(segment.durationMs)),
    bytes: segment.bytes.length,
    storedBytes: stored.storedBytes,
    keyframe: segment.keyframe,
    tags: o.tags,
    keyId: stored.keyId,
    storageKey: stored.storageKey,
  };
}
