import type { DataKeyRepository } from '../crypto/DataKeys.ts';
import type { RecordingRun, RecordingStream, SegmentRecord } from '../types.ts';

/** Totals of one stream's stored segments. */
export interface StreamTotals {
  segments: number;
  bytes: number;
  storedBytes: number;
  /** Camera time of the first segment's start and of the last segment's end. */
  firstTime: number | null;
  lastTime: number | null;
}

export interface SegmentQuery {
  deviceId: string;
  /** Segments overlapping [from, to) in camera time. */
  from: number;
  to: number;
  limit: number;
}

/** Per device per UTC day. */
export interface RecordingUsage {
  deviceId: string;
  siteId: string;
  day: string;
  bytesIngested: number;
  bytesServed: number;
  storedByteSeconds: number;
}

export interface UsageDelta {
  bytesIngested?: number;
  bytesServed?: number;
  storedByteSeconds?: number;
}

/**
 * The recording index in the metadata database. Storage objects are written before their row is
 * inserted and rows are deleted before their objects, so after a crash storage may only hold
 * extra objects (orphans), which the repair pass removes; a row never points at nothing for long.
 */
export interface RecordingIndex extends DataKeyRepository {
  getStream(deviceId: string): Promise<RecordingStream | null>;
  listStreams(siteId?: string): Promise<RecordingStream[]>;
  /** Inserts or replaces the settings (and the on-demand deadline). */
  saveStream(s: RecordingStream, onDemandUntil: number | null): Promise<void>;
  onDemandUntil(deviceId: string): Promise<number | null>;

  insertRun(r: RecordingRun): Promise<void>;
  getRun(id: string): Promise<RecordingRun | null>;
  listRuns(deviceId: string): Promise<RecordingRun[]>;
  deleteRun(id: string): Promise<void>;
  /** Runs without segments, excluding `keep` (active runs). */
  emptyRuns(deviceId: string): Promise<RecordingRun[]>;

  insertSegment(s: SegmentRecord): Promise<void>;
  getSegment(deviceId: string, seq: number): Promise<SegmentRecord | null>;
  /** Highest seq ever stored for the stream, or 0. */
  lastSeq(deviceId: string): Promise<number>;
  querySegments(q: SegmentQuery): Promise<SegmentRecord[]>;
  /** The most recent `limit` segments, oldest first (live playlists). */
  latestSegments(deviceId: string, limit: number): Promise<SegmentRecord[]>;
  /** Oldest first, by camera time. */
  oldestSegments(deviceId: string, limit: number): Promise<SegmentRecord[]>;
  /** Oldest first by ingest time across every stream (disk guard). */
  oldestSegmentsOverall(limit: number): Promise<SegmentRecord[]>;
  /** Segments ingested before `before`, oldest first. */
  segmentsIngestedBefore(deviceId: string, before: number, limit: number): Promise<SegmentRecord[]>;
  deleteSegments(deviceId: string, seqs: readonly number[]): Promise<number>;
  /** Every segment of a stream (repair). */
  allSegments(deviceId: string): Promise<SegmentRecord[]>;
  streamTotals(deviceId: string): Promise<StreamTotals>;
  totalStoredBytes(): Promise<number>;
  /** Stored bytes (segments and init segments) per site, for monitoring. */
  storedBytesBySite(): Promise<Map<string, number>>;

  addUsage(deviceId: string, siteId: string, day: string, delta: UsageDelta): Promise<void>;
  queryUsage(siteId: string, fromDay: string, toDay: string): Promise<RecordingUsage[]>;
}
