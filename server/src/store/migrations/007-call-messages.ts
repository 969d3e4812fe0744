import type { Migration } from '../migrations.ts';

/**
 * Visitors' video messages (issue 11) are recordings of their own, keyed `msg-<callId>`: a stream
 * key is no longer always a device id. `recording_streams.device_id` loses its foreign key and
 * `owner_device_id` (the camera itself, or the door a message was left at) takes it over, so
 * deleting a device still deletes its recordings and its door's messages.
 *
 * SQLite cannot drop a foreign key: the table is rebuilt the documented way (create, copy, drop,
 * rename) with foreign keys off, or dropping the old table would cascade into runs and segments;
 * migrateSqlite runs `foreign_key_check` before committing.
 */
const v7Sqlite = `
CREATE TABLE recording_streams_v7 (
  device_id TEXT PRIMARY KEY,
  owner_device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
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
INSERT INTO recording_streams_v7 (device_id, owner_device_id, site_id, mode, retention_max_age_s,
  retention_max_bytes, pre_roll_s, post_roll_s, on_demand_until, tags, created_at, updated_at)
SELECT device_id, device_id, site_id, mode, retention_max_age_s, retention_max_bytes, pre_roll_s,
  post_roll_s, on_demand_until, tags, created_at, updated_at FROM recording_streams;
DROP TABLE recording_streams;
ALTER TABLE recording_streams_v7 RENAME TO recording_streams;
CREATE INDEX recording_streams_site ON recording_streams (site_id);
CREATE INDEX recording_streams_owner ON recording_streams (owner_device_id);
`;

const v7Postgres = `
ALTER TABLE recording_streams DROP CONSTRAINT recording_streams_device_id_fkey;
ALTER TABLE recording_streams ADD COLUMN owner_device_id TEXT COLLATE "C"
  REFERENCES devices(id) ON DELETE CASCADE;
UPDATE recording_streams SET owner_device_id = device_id;
ALTER TABLE recording_streams ALTER COLUMN owner_device_id SET NOT NULL;
CREATE INDEX recording_streams_owner ON recording_streams (owner_device_id);
`;

export const v7: Migration = {
  version: 7,
  name: 'call-messages',
  sqlite: v7Sqlite,
  postgres: v7Postgres,
  sqliteForeignKeysOff: true,
};
