import type { Migration } from '../migrations.ts';

/**
 * Tamper evidence for the audit log (issue 16): every row written from now on carries the hash of
 * its predecessor and its own (identity/audit/chainHash.ts). The unique index on `prev_hash`
 * keeps the chain linear under concurrent writers on every node: two rows can never follow the
 * same predecessor, the loser of a race retries on the new tail. Older rows keep NULL (unchained).
 * `audit_anchor` holds the hash of the last row that retention deleted, where verification starts.
 */
const v15Sqlite = `
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_events_prev_hash ON audit_events (prev_hash);
CREATE TABLE audit_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_id INTEGER NOT NULL,
  hash TEXT NOT NULL
) STRICT;
`;

const v15Postgres = `
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT COLLATE "C";
ALTER TABLE audit_events ADD COLUMN hash TEXT COLLATE "C";
CREATE UNIQUE INDEX audit_events_prev_hash ON audit_events (prev_hash);
CREATE TABLE audit_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_id BIGINT NOT NULL,
  hash TEXT COLLATE "C" NOT NULL
);
`;

export const v15: Migration = {
  version: 15,
  name: 'audit-chain',
  sqlite: v15Sqlite,
  postgres: v15Postgres,
};
