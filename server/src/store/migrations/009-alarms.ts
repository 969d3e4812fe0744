import type { Migration } from '../migrations.ts';

/**
 * Alarms (issue 13, docs/operations.md "Alarms"): one row per rule holding its current state
 * (state, reason, last datapoint, acknowledgement, mute), the history of state changes,
 * acknowledgements and mutes, and which sites already got their default rules (so a deleted
 * default rule is not made again). Default rules of existing sites are made at start-up.
 */
const v9Sqlite = `
CREATE TABLE alarm_rules (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  device_id TEXT REFERENCES devices(id) ON DELETE CASCADE,
  threshold REAL NOT NULL,
  period_seconds INTEGER NOT NULL,
  datapoints_to_alarm INTEGER NOT NULL,
  evaluation_periods INTEGER NOT NULL,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  is_default INTEGER NOT NULL CHECK (is_default IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL,
  value REAL,
  state_changed_at INTEGER NOT NULL,
  evaluated_at INTEGER,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  muted_until INTEGER
) STRICT;
CREATE INDEX alarm_rules_site ON alarm_rules (site_id, created_at);
CREATE INDEX alarm_rules_device ON alarm_rules (device_id);

CREATE TABLE alarm_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alarm_id TEXT NOT NULL REFERENCES alarm_rules(id) ON DELETE CASCADE,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  device_id TEXT,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  value REAL,
  reason TEXT NOT NULL,
  actor TEXT
) STRICT;
CREATE INDEX alarm_history_alarm ON alarm_history (alarm_id, id);
CREATE INDEX alarm_history_site ON alarm_history (site_id, id);

CREATE TABLE alarm_site_defaults (
  site_id TEXT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  applied_at INTEGER NOT NULL
) STRICT;
`;

const v9Postgres = `
CREATE TABLE alarm_rules (
  id TEXT COLLATE "C" PRIMARY KEY,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  kind TEXT COLLATE "C" NOT NULL,
  device_id TEXT COLLATE "C" REFERENCES devices(id) ON DELETE CASCADE,
  threshold DOUBLE PRECISION NOT NULL,
  period_seconds INTEGER NOT NULL,
  datapoints_to_alarm INTEGER NOT NULL,
  evaluation_periods INTEGER NOT NULL,
  enabled BOOLEAN NOT NULL,
  is_default BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  state TEXT COLLATE "C" NOT NULL,
  reason TEXT NOT NULL,
  value DOUBLE PRECISION,
  state_changed_at BIGINT NOT NULL,
  evaluated_at BIGINT,
  acknowledged_at BIGINT,
  acknowledged_by TEXT COLLATE "C",
  muted_until BIGINT
);
CREATE INDEX alarm_rules_site ON alarm_rules (site_id, created_at);
CREATE INDEX alarm_rules_device ON alarm_rules (device_id);

CREATE TABLE alarm_history (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alarm_id TEXT COLLATE "C" NOT NULL REFERENCES alarm_rules(id) ON DELETE CASCADE,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  kind TEXT COLLATE "C" NOT NULL,
  device_id TEXT COLLATE "C",
  at BIGINT NOT NULL,
  type TEXT COLLATE "C" NOT NULL,
  from_state TEXT COLLATE "C",
  to_state TEXT COLLATE "C",
  value DOUBLE PRECISION,
  reason TEXT NOT NULL,
  actor TEXT COLLATE "C"
);
CREATE INDEX alarm_history_alarm ON alarm_history (alarm_id, id);
CREATE INDEX alarm_history_site ON alarm_history (site_id, id);

CREATE TABLE alarm_site_defaults (
  site_id TEXT COLLATE "C" PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  applied_at BIGINT NOT NULL
);
`;

export const v9: Migration = {
  version: 9,
  name: 'alarms',
  sqlite: v9Sqlite,
  postgres: v9Postgres,
};
