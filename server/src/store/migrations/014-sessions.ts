import type { Migration } from '../migrations.ts';

/**
 * Sessions and passwords (issue 16, findings 6 and 8):
 * - `accounts.token_generation` is carried by every account access token and bumped on disable,
 *   password change/reset and "sign out everywhere", so older access tokens die at once.
 * - `accounts.must_change_password`: the API refuses everything but the password change until the
 *   account picked its own (the generated first admin password, an admin's reset).
 * - Refresh tokens remember their session's start and the client (user agent, address) so a user
 *   can list and revoke sessions; a session is a rotation family.
 */
const v14Sqlite = `
ALTER TABLE accounts ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
ALTER TABLE refresh_tokens ADD COLUMN session_created_at INTEGER;
ALTER TABLE refresh_tokens ADD COLUMN user_agent TEXT;
ALTER TABLE refresh_tokens ADD COLUMN ip TEXT;
`;

const v14Postgres = `
ALTER TABLE accounts ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE refresh_tokens ADD COLUMN session_created_at BIGINT;
ALTER TABLE refresh_tokens ADD COLUMN user_agent TEXT;
ALTER TABLE refresh_tokens ADD COLUMN ip TEXT COLLATE "C";
`;

export const v14: Migration = {
  version: 14,
  name: 'sessions',
  sqlite: v14Sqlite,
  postgres: v14Postgres,
};
