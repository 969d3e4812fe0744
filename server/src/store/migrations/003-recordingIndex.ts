import type { Migration } from '../migrations.ts';

/**
 * Recording index (issue 5): one stream per device, recorder runs (init segments), media segments,
 * wrapped per-stream data keys and daily usage counters. Segments are looked up by camera time.
 */
const v3Sqlite = `
CREATE TABLE recording_streams (
  device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  mode TEXT NOT NULL,
  retention_max_age_s INTEGER,
  retention_max_bytes INTEGER,
  pre_roll_s INTEGER NOT NULL,
  post_roll_s INTEGER NOT NULL,
  on_demand_until INTEGER,
  tags TEXT NOT NULL CHECK (json_type(tags) = 'object'),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX recording_streams_site ON recording_streams (site_id);

CREATE TABLE recording_runs (
  id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES recording_streams(device_id) ON DELETE CASCADE,
  site_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  codecs TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  key_id TEXT NOT NULL,
  storage_key TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  stored_bytes INTEGER NOT NULL
) STRICT;
CREATE INDEX recording_runs_device ON recording_runs (device_id);

CREATE TABLE recording_segments (
  device_id TEXT NOT NULL REFERENCES recording_streams(device_id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  run_id TEXT NOT NULL REFERENCES recording_runs(id) ON DELETE CASCADE,
  producer_time INTEGER NOT NULL,
  ingest_time INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  stored_bytes INTEGER NOT NULL,
  keyframe INTEGER NOT NULL CHECK (keyframe IN (0, 1)),
  tags TEXT NOT NULL CHECK (json_type(tags) = 'array'),
  key_id TEXT NOT NULL,
  storage_key TEXT NOT NULL,
  PRIMARY KEY (device_id, seq)
) STRICT;
CREATE INDEX recording_segments_time ON recording_segments (device_id, producer_time);
CREATE INDEX recording_segments_run ON recording_segments (run_id);
CREATE INDEX recording_segments_ingest ON recording_segments (ingest_time);

CREATE TABLE recording_data_keys (
  id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  master_key_id TEXT NOT NULL,
  wrapped TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  retired_at INTEGER
) STRICT;
CREATE INDEX recording_data_keys_device ON recording_data_keys (device_id);

CREATE TABLE recording_usage (
  device_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  day TEXT NOT NULL,
  bytes_ingested INTEGER NOT NULL,
  bytes_served INTEGER NOT NULL,
  stored_byte_seconds INTEGER NOT NULL,
  PRIMARY KEY (device_id, day)
) STRICT;
CREATE INDEX recording_usage_site ON recording_usage (site_id, day);
`;

const v3Postgres = `
CREATE TABLE recording_streams (
  device_id TEXT COLLATE "C" PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  mode TEXT COLLATE "C" NOT NULL,
  retention_max_age_s BIGINT,
  retention_max_bytes BIGINT,
  pre_roll_s BIGINT NOT NULL,
  post_roll_s BIGINT NOT NULL,
  on_demand_until BIGINT,
  tags JSONB NOT NULL CHECK (jsonb_typeof(tags) = 'object'),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX recording_streams_site ON recording_streams (site_id);

CREATE TABLE recording_runs (
  id TEXT COLLATE "C" PRIMARY KEY,
  device_id TEXT COLLATE "C" NOT NULL REFERENCES recording_streams(device_id) ON DELETE CASCADE,
  site_id TEXT COLLATE "C" NOT NULL,
  started_at BIGINT NOT NULL,
  codecs TEXT COLLATE "C" NOT NULL,
  width BIGINT,
  height BIGINT,
  key_id TEXT COLLATE "C" NOT NULL,
  storage_key TEXT COLLATE "C" NOT NULL,
  bytes BIGINT NOT NULL,
  stored_bytes BIGINT NOT NULL
);
CREATE INDEX recording_runs_device ON recording_runs (device_id);

CREATE TABLE recording_segments (
  device_id TEXT COLLATE "C" NOT NULL REFERENCES recording_streams(device_id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  run_id TEXT COLLATE "C" NOT NULL REFERENCES recording_runs(id) ON DELETE CASCADE,
  producer_time BIGINT NOT NULL,
  ingest_time BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  stored_bytes BIGINT NOT NULL,
  keyframe BOOLEAN NOT NULL,
  tags JSONB NOT NULL CHECK (jsonb_typeof(tags) = 'array'),
  key_id TEXT COLLATE "C" NOT NULL,
  storage_key TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (device_id, seq)
);
CREATE INDEX recording_segments_time ON recording_segments (device_id, producer_time);
CREATE INDEX recording_segments_run ON recording_segments (run_id);
CREATE INDEX recording_segments_ingest ON recording_segments (ingest_time);

CREATE TABLE recording_data_keys (
  id TEXT COLLATE "C" PRIMARY KEY,
  device_id TEXT COLLATE "C" NOT NULL,
  master_key_id TEXT COLLATE "C" NOT NULL,
  wrapped TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT
);
CREATE INDEX recording_data_keys_device ON recording_data_keys (device_id);

CREATE TABLE recording_usage (
  device_id TEXT COLLATE "C" NOT NULL,
  site_id TEXT COLLATE "C" NOT NULL,
  day TEXT COLLATE "C" NOT NULL,
  bytes_ingested BIGINT NOT NULL,
  bytes_served BIGINT NOT NULL,
  stored_byte_seconds BIGINT NOT NULL,
  PRIMARY KEY (device_id, day)
);
CREATE INDEX recording_usage_site ON recording_usage (site_id, day);
`;

export const v3: Migration = {
  version: 3,
  name: 'recording index',
  sqlite: v3Sqlite,
  postgres: v3Postgres,
};
