import type { Migration } from '../migrations.ts';

/**
 * Cameras fed from outside (issue 14, docs/cameras.md): one row per camera device whose media the
 * server pulls over RTSP or receives over RTMP. `url` never holds credentials: they are sealed in
 * `credentials` (SecretBox, the row's device id as associated data). An RTMP camera keeps the
 * SHA-256 of its stream key (null: no key, every publish refused).
 */
const v13Sqlite = `
CREATE TABLE ingest_sources (
  device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  url TEXT,
  credentials TEXT,
  transport TEXT NOT NULL,
  stream_key_hash TEXT,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
`;

const v13Postgres = `
CREATE TABLE ingest_sources (
  device_id TEXT COLLATE "C" PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  kind TEXT COLLATE "C" NOT NULL,
  url TEXT,
  credentials TEXT,
  transport TEXT COLLATE "C" NOT NULL,
  stream_key_hash TEXT COLLATE "C",
  enabled BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
`;

export const v13: Migration = {
  version: 13,
  name: 'ingest',
  sqlite: v13Sqlite,
  postgres: v13Postgres,
};
