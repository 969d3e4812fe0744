import type { Migration } from '../migrations.ts';

/**
 * Invitations by single-use link. The token is stored only as its SHA-256 (like provisioning
 * codes); accepting sets accepted_at in one conditional UPDATE, so of two racing accepts only
 * one wins. Rows are kept after use (the owner's list says what became of each).
 */
const v6Sqlite = `
CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  email TEXT,
  display_name TEXT,
  role TEXT NOT NULL,
  device_ids TEXT CHECK (device_ids IS NULL OR json_type(device_ids) = 'array'),
  valid_from INTEGER,
  valid_until INTEGER,
  expires_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  accepted_at INTEGER,
  accepted_by TEXT,
  revoked_at INTEGER
) STRICT;
CREATE INDEX invitations_site_id ON invitations (site_id);
`;

const v6Postgres = `
CREATE TABLE invitations (
  id TEXT COLLATE "C" PRIMARY KEY,
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  site_id TEXT COLLATE "C" NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  email TEXT COLLATE "C",
  display_name TEXT COLLATE "C",
  role TEXT COLLATE "C" NOT NULL,
  device_ids JSONB CHECK (device_ids IS NULL OR jsonb_typeof(device_ids) = 'array'),
  valid_from BIGINT,
  valid_until BIGINT,
  expires_at BIGINT NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  accepted_at BIGINT,
  accepted_by TEXT COLLATE "C",
  revoked_at BIGINT
);
CREATE INDEX invitations_site_id ON invitations (site_id);
`;

export const v6: Migration = {
  version: 6,
  name: 'invitations',
  sqlite: v6Sqlite,
  postgres: v6Postgres,
};
