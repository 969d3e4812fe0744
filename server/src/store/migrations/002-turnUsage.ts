import type { Migration } from '../migrations.ts';

/** Relayed TURN sessions, one row per closed session, for metering. */
const v2Sqlite = `
CREATE TABLE turn_usage (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  principal_kind TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  site_id TEXT,
  duration_seconds INTEGER NOT NULL,
  bytes_received INTEGER NOT NULL,
  bytes_sent INTEGER NOT NULL
) STRICT;
CREATE INDEX turn_usage_at ON turn_usage (at);
CREATE INDEX turn_usage_principal ON turn_usage (principal_id);
CREATE INDEX turn_usage_site ON turn_usage (site_id);
`;

const v2Postgres = `
CREATE TABLE turn_usage (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  principal_kind TEXT COLLATE "C" NOT NULL,
  principal_id TEXT COLLATE "C" NOT NULL,
  site_id TEXT COLLATE "C",
  duration_seconds BIGINT NOT NULL,
  bytes_received BIGINT NOT NULL,
  bytes_sent BIGINT NOT NULL
);
CREATE INDEX turn_usage_at ON turn_usage (at);
CREATE INDEX turn_usage_principal ON turn_usage (principal_id);
CREATE INDEX turn_usage_site ON turn_usage (site_id);
`;

export const v2: Migration = {
  version: 2,
  name: 'turn usage',
  sqlite: v2Sqlite,
  postgres: v2Postgres,
};
