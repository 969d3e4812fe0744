import type { Migration } from '../migrations.ts';

/**
 * Person detection (issue 12): the events cameras report (kept as long as the camera's
 * recordings, see server/src/detection/EventRetention.ts) and per-camera detection settings with
 * the detector the camera last reported. `zone_list` is the event's zone names between newlines
 * (zone names cannot contain control characters), so the zone filter is a portable substring
 * search; `zones` keeps the array.
 */
const v8Sqlite = `
CREATE TABLE detection_events (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  max_score REAL NOT NULL,
  zones TEXT NOT NULL CHECK (json_type(zones) = 'array'),
  zone_list TEXT NOT NULL,
  track TEXT NOT NULL CHECK (json_type(track) = 'array'),
  detector TEXT NOT NULL CHECK (json_type(detector) = 'object'),
  snapshot_ref TEXT,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX detection_events_device_time ON detection_events (device_id, started_at);
CREATE INDEX detection_events_site_time ON detection_events (site_id, started_at);
CREATE INDEX detection_events_time ON detection_events (started_at);

CREATE TABLE detection_settings (
  device_id TEXT PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  settings TEXT CHECK (settings IS NULL OR json_type(settings) = 'object'),
  updated_at INTEGER,
  detector TEXT CHECK (detector IS NULL OR json_type(detector) = 'object'),
  detector_reported_at INTEGER
) STRICT;
CREATE INDEX detection_settings_site ON detection_settings (site_id);
`;

const v8Postgres = `
CREATE TABLE detection_events (
  id TEXT COLLATE "C" PRIMARY KEY,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  device_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  max_score DOUBLE PRECISION NOT NULL,
  zones JSONB NOT NULL,
  zone_list TEXT NOT NULL,
  track JSONB NOT NULL,
  detector JSONB NOT NULL,
  snapshot_ref TEXT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX detection_events_device_time ON detection_events (device_id, started_at);
CREATE INDEX detection_events_site_time ON detection_events (site_id, started_at);
CREATE INDEX detection_events_time ON detection_events (started_at);

CREATE TABLE detection_settings (
  device_id TEXT COLLATE "C" PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  settings JSONB,
  updated_at BIGINT,
  detector JSONB,
  detector_reported_at BIGINT
);
CREATE INDEX detection_settings_site ON detection_settings (site_id);
`;

export const v8: Migration = {
  version: 8,
  name: 'detection',
  sqlite: v8Sqlite,
  postgres: v8Postgres,
};
