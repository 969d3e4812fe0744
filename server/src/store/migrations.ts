/**
 * The schema, as an ordered list of versioned migrations with one script per dialect. A migration
 * is never edited once released: change the schema by appending a new version.
 *
 * Dialect notes that keep both stores returning identical values:
 * - Times are unix ms: INTEGER (SQLite) / BIGINT (PostgreSQL, read back as number).
 * - Arrays and audit details are JSON: TEXT checked with json_type (SQLite) / JSONB.
 * - Booleans are 0/1 (SQLite, checked) / BOOLEAN.
 * - PostgreSQL text columns use COLLATE "C" so ordering and range scans compare bytes, as SQLite's
 *   BINARY collation does; the audit site filter relies on it (see SqlStore.queryAudit).
 * - Enumerations (role, kind, actor type, outcome) are checked in TypeScript, not by CHECK: adding
 *   a role must not force a table rebuild in SQLite.
 * - Every foreign key has an index so cascading deletes do not scan the child table.
 */
import { MigrationError } from './errors.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}

const v1Sqlite = `
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  is_admin INTEGER NOT NULL CHECK (is_admin IN (0, 1)),
  created_at INTEGER NOT NULL,
  disabled_at INTEGER
) STRICT;

CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  device_ids TEXT CHECK (device_ids IS NULL OR json_type(device_ids) = 'array'),
  valid_from INTEGER,
  valid_until INTEGER,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX grants_account_id ON grants (account_id);
CREATE INDEX grants_site_id ON grants (site_id);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  credential_hash TEXT,
  credential_generation INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  online INTEGER NOT NULL CHECK (online IN (0, 1)),
  last_seen_at INTEGER,
  last_address TEXT,
  user_agent TEXT,
  firmware TEXT,
  bitrate REAL
) STRICT;
CREATE INDEX devices_site_id ON devices (site_id);

CREATE TABLE provisioning_codes (
  code_hash TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX provisioning_codes_site_id ON provisioning_codes (site_id);
CREATE INDEX provisioning_codes_device_id ON provisioning_codes (device_id);
CREATE INDEX provisioning_codes_expires_at ON provisioning_codes (expires_at);

CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  family_id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
) STRICT;
CREATE INDEX refresh_tokens_account_id ON refresh_tokens (account_id);
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  scopes TEXT NOT NULL CHECK (json_type(scopes) = 'array'),
  site_id TEXT REFERENCES sites (id) ON DELETE CASCADE,
  key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
) STRICT;
CREATE INDEX api_keys_account_id ON api_keys (account_id);
CREATE INDEX api_keys_site_id ON api_keys (site_id);

-- AUTOINCREMENT: ids are never reused, so "before <id>" paging stays stable after pruning.
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_type TEXT NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  resource TEXT,
  outcome TEXT NOT NULL,
  ip TEXT,
  detail TEXT NOT NULL CHECK (json_type(detail) = 'object')
) STRICT;
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor_id ON audit_events (actor_id);
CREATE INDEX audit_events_resource ON audit_events (resource);
`;

const v1Postgres = `
CREATE TABLE accounts (
  id TEXT COLLATE "C" PRIMARY KEY,
  email TEXT COLLATE "C" NOT NULL UNIQUE,
  display_name TEXT COLLATE "C" NOT NULL,
  password_hash TEXT COLLATE "C" NOT NULL,
  is_admin BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  disabled_at BIGINT
);

CREATE TABLE sites (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE grants (
  id TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  role TEXT COLLATE "C" NOT NULL,
  device_ids JSONB CHECK (device_ids IS NULL OR jsonb_typeof(device_ids) = 'array'),
  valid_from BIGINT,
  valid_until BIGINT,
  created_by TEXT COLLATE "C",
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX grants_account_id ON grants (account_id);
CREATE INDEX grants_site_id ON grants (site_id);

CREATE TABLE devices (
  id TEXT COLLATE "C" PRIMARY KEY,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  kind TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  credential_hash TEXT COLLATE "C",
  credential_generation INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  online BOOLEAN NOT NULL,
  last_seen_at BIGINT,
  last_address TEXT COLLATE "C",
  user_agent TEXT COLLATE "C",
  firmware TEXT COLLATE "C",
  -- A computed rate may be fractional; float8 round-trips every JS number exactly.
  bitrate DOUBLE PRECISION
);
CREATE INDEX devices_site_id ON devices (site_id);

CREATE TABLE provisioning_codes (
  code_hash TEXT COLLATE "C" PRIMARY KEY,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  device_id TEXT COLLATE "C" NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  expires_at BIGINT NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX provisioning_codes_site_id ON provisioning_codes (site_id);
CREATE INDEX provisioning_codes_device_id ON provisioning_codes (device_id);
CREATE INDEX provisioning_codes_expires_at ON provisioning_codes (expires_at);

CREATE TABLE refresh_tokens (
  id TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  family_id TEXT COLLATE "C" NOT NULL,
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX refresh_tokens_account_id ON refresh_tokens (account_id);
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

CREATE TABLE api_keys (
  id TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  scopes JSONB NOT NULL CHECK (jsonb_typeof(scopes) = 'array'),
  site_id TEXT COLLATE "C" REFERENCES sites (id) ON DELETE CASCADE,
  key_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX api_keys_account_id ON api_keys (account_id);
CREATE INDEX api_keys_site_id ON api_keys (site_id);

CREATE TABLE audit_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_type TEXT COLLATE "C" NOT NULL,
  actor_id TEXT COLLATE "C",
  action TEXT COLLATE "C" NOT NULL,
  resource TEXT COLLATE "C",
  outcome TEXT COLLATE "C" NOT NULL,
  ip TEXT COLLATE "C",
  detail JSONB NOT NULL CHECK (jsonb_typeof(detail) = 'object')
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor_id ON audit_events (actor_id);
CREATE INDEX audit_events_resource ON audit_events (resource);
`;

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

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'identity and audit', sqlite: v1Sqlite, postgres: v1Postgres },
  { version: 2, name: 'turn usage', sqlite: v2Sqlite, postgres: v2Postgres },
  { version: 3, name: 'recording index', sqlite: v3Sqlite, postgres: v3Postgres },
];

/** The bookkeeping table; the same DDL is valid in both dialects. */
export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

/**
 * The migrations still to apply, in order, given the versions a database already has. Refuses a
 * database that has versions this build does not know: running older code against a newer schema
 * would silently misread it.
 */
export function pendingMigrations(
  applied: Iterable<number>,
  migrations: readonly Migration[] = MIGRATIONS,
): Migration[] {
  assertOrdered(migrations);
  const known = new Set(migrations.map((m) => m.version));
  const done = new Set(applied);
  const unknown = [...done].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new MigrationError(
      `database has schema version(s) ${unknown.join(', ')} unknown to this build; ` +
        'it was migrated by a newer Porchlight',
    );
  }
  return migrations.filter((m) => !done.has(m.version));
}

/** Versions must be positive integers, strictly increasing: order is what makes a schema. */
export function assertOrdered(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new MigrationError(
        `migration versions must be strictly increasing positive integers (${m.version} after ${previous})`,
      );
    }
    previous = m.version;
  }
}
