import type { Migration } from '../migrations.ts';

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

export const v1: Migration = {
  version: 1,
  name: 'identity and audit',
  sqlite: v1Sqlite,
  postgres: v1Postgres,
};
