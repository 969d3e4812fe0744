import type { Migration } from '../migrations.ts';

/**
 * Billing (issue 13): the admin's billing configuration (named price lists, which list invoices
 * use, which cloud list the saving compares with, the box cost) as one validated JSON document in
 * a single row; no row means the built-in example (server/src/ops/billing/defaults.ts).
 */
const v11Sqlite = `
CREATE TABLE billing_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  config TEXT NOT NULL CHECK (json_type(config) = 'object'),
  updated_at INTEGER NOT NULL,
  updated_by TEXT
) STRICT;
`;

const v11Postgres = `
CREATE TABLE billing_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  config JSONB NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT COLLATE "C"
);
`;

export const v11: Migration = {
  version: 11,
  name: 'billing',
  sqlite: v11Sqlite,
  postgres: v11Postgres,
};
