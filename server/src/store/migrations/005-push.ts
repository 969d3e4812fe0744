import type { Migration } from '../migrations.ts';

/**
 * Web Push subscriptions: one row per browser a person subscribed, with that browser's
 * notification settings (JSON: which doors/cameras, quiet hours) and delivery bookkeeping. The
 * endpoint is unique: the same browser subscribing again (or under another account) replaces it.
 */
const v5Sqlite = `
CREATE TABLE push_subscriptions (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  label TEXT,
  user_agent TEXT,
  settings TEXT NOT NULL CHECK (json_type(settings) = 'object'),
  created_at INTEGER NOT NULL,
  last_success_at INTEGER,
  last_failure_at INTEGER,
  failures INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX push_subscriptions_account ON push_subscriptions (account_id);
`;

const v5Postgres = `
CREATE TABLE push_subscriptions (
  id TEXT COLLATE "C" PRIMARY KEY,
  account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  endpoint TEXT COLLATE "C" NOT NULL UNIQUE,
  p256dh TEXT COLLATE "C" NOT NULL,
  auth TEXT COLLATE "C" NOT NULL,
  label TEXT COLLATE "C",
  user_agent TEXT COLLATE "C",
  settings JSONB NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
  created_at BIGINT NOT NULL,
  last_success_at BIGINT,
  last_failure_at BIGINT,
  failures BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX push_subscriptions_account ON push_subscriptions (account_id);
`;

export const v5: Migration = {
  version: 5,
  name: 'push subscriptions',
  sqlite: v5Sqlite,
  postgres: v5Postgres,
};
