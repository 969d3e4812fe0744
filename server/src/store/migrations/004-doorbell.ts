import type { Migration } from '../migrations.ts';

/**
 * Doorbell (issue 11): per-door settings (a door is a device of kind doorbell), door tokens with
 * the door's token generation (a rotation bumps it and every older token stops), and the call
 * history (kept `doorbell.historyRetentionDays`).
 */
const v4Sqlite = `
CREATE TABLE doors (
  device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  display_name TEXT,
  dnd_enabled INTEGER NOT NULL CHECK (dnd_enabled IN (0, 1)),
  dnd_schedule TEXT NOT NULL CHECK (json_type(dnd_schedule) = 'array'),
  dnd_time_zone TEXT NOT NULL,
  ring_window_s INTEGER NOT NULL,
  quick_replies TEXT NOT NULL CHECK (json_type(quick_replies) = 'array'),
  unlock_url TEXT,
  unlock_secret TEXT,
  token_generation INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX doors_site ON doors (site_id);

CREATE TABLE door_tokens (
  id TEXT PRIMARY KEY,
  door_id TEXT NOT NULL REFERENCES doors(device_id) ON DELETE CASCADE,
  generation INTEGER NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX door_tokens_door ON door_tokens (door_id);

CREATE TABLE calls (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  door_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  via TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ring_window_ms INTEGER NOT NULL,
  outcome TEXT,
  answered_by TEXT CHECK (answered_by IS NULL OR json_type(answered_by) = 'object'),
  answered_at INTEGER,
  ended_at INTEGER,
  duration_s INTEGER NOT NULL,
  snapshot_ref TEXT,
  message_ref TEXT
) STRICT;
CREATE INDEX calls_door_time ON calls (door_id, started_at);
CREATE INDEX calls_site ON calls (site_id);
CREATE INDEX calls_time ON calls (started_at);
`;

const v4Postgres = `
CREATE TABLE doors (
  device_id TEXT COLLATE "C" PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  display_name TEXT,
  dnd_enabled BOOLEAN NOT NULL,
  dnd_schedule JSONB NOT NULL,
  dnd_time_zone TEXT NOT NULL,
  ring_window_s INTEGER NOT NULL,
  quick_replies JSONB NOT NULL,
  unlock_url TEXT,
  unlock_secret TEXT,
  token_generation INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX doors_site ON doors (site_id);

CREATE TABLE door_tokens (
  id TEXT COLLATE "C" PRIMARY KEY,
  door_id TEXT COLLATE "C" NOT NULL REFERENCES doors(device_id) ON DELETE CASCADE,
  generation INTEGER NOT NULL,
  label TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX door_tokens_door ON door_tokens (door_id);

CREATE TABLE calls (
  id TEXT COLLATE "C" PRIMARY KEY,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  door_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  via TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  ring_window_ms BIGINT NOT NULL,
  outcome TEXT,
  answered_by JSONB,
  answered_at BIGINT,
  ended_at BIGINT,
  duration_s INTEGER NOT NULL,
  snapshot_ref TEXT,
  message_ref TEXT
);
CREATE INDEX calls_door_time ON calls (door_id, started_at);
CREATE INDEX calls_site ON calls (site_id);
CREATE INDEX calls_time ON calls (started_at);
`;

export const v4: Migration = {
  version: 4,
  name: 'doorbell',
  sqlite: v4Sqlite,
  postgres: v4Postgres,
};
