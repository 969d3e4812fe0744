import {
  bool,
  column,
  int,
  json,
  literal,
  nullable,
  Table,
  text,
  type Codec,
} from '../../store/executor/table.ts';
import type { DataKeyRecord } from '../crypto/DataKeys.ts';
import type { RecordingMode, RecordingRun, RecordingStream, SegmentRecord } from '../types.ts';
import type { RecordingUsage } from './RecordingIndex.ts';

/** The recording index's tables (migration 3), field -> column. */

/** Wrapped keys are stored as base64 text so both dialects share one column type. */
const base64: Codec<Buffer> = {
  toSql: (v) => v.toString('base64'),
  fromSql: (v) => Buffer.from(v as string, 'base64'),
};

export const streams = new Table<RecordingStream>('recording_streams', {
  deviceId: column('device_id', text),
  ownerDeviceId: column('owner_device_id', text),
  siteId: column('site_id', text),
  mode: column('mode', literal<RecordingMode>()),
  retentionMaxAgeSeconds: column('retention_max_age_s', nullable(int)),
  retentionMaxBytes: column('retention_max_bytes', nullable(int)),
  preRollSeconds: column('pre_roll_s', int),
  postRollSeconds: column('post_roll_s', int),
  tags: column('tags', json<Record<string, string>>()),
  createdAt: column('created_at', int),
  updatedAt: column('updated_at', int),
});

export const runs = new Table<RecordingRun>('recording_runs', {
  id: column('id', text),
  deviceId: column('device_id', text),
  siteId: column('site_id', text),
  startedAt: column('started_at', int),
  codecs: column('codecs', text),
  width: column('width', nullable(int)),
  height: column('height', nullable(int)),
  keyId: column('key_id', text),
  storageKey: column('storage_key', text),
  bytes: column('bytes', int),
  storedBytes: column('stored_bytes', int),
});

export const segments = new Table<SegmentRecord>('recording_segments', {
  deviceId: column('device_id', text),
  seq: column('seq', int),
  runId: column('run_id', text),
  producerTime: column('producer_time', int),
  ingestTime: column('ingest_time', int),
  durationMs: column('duration_ms', int),
  bytes: column('bytes', int),
  storedBytes: column('stored_bytes', int),
  keyframe: column('keyframe', bool),
  tags: column('tags', json<string[]>()),
  keyId: column('key_id', text),
  storageKey: column('storage_key', text),
});

export const dataKeys = new Table<DataKeyRecord>('recording_data_keys', {
  id: column('id', text),
  deviceId: column('device_id', text),
  masterKeyId: column('master_key_id', text),
  wrapped: column('wrapped', base64),
  createdAt: column('created_at', int),
  retiredAt: column('retired_at', nullable(int)),
});

export const usage = new Table<RecordingUsage>('recording_usage', {
  deviceId: column('device_id', text),
  siteId: column('site_id', text),
  day: column('day', text),
  bytesIngested: column('bytes_ingested', int),
  bytesServed: column('bytes_served', int),
  storedByteSeconds: column('stored_byte_seconds', int),
});
