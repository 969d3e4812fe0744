/**
 * The schema, as an ordered list of versioned migrations with one script per dialect. A migration
 * is never edited once released: change the schema by appending a new version.
 *
 * Dialect notes that keep both stores returning identical values:
 * - Times are unix ms: INTEGER (SQLite) / BIGINT (PostgreSQL, read back as number).
 * - Arrays and audit details are JSON: TEXT checked with json_type (SQLite) / JSONB.
 * - Booleans are 0/1 (SQLite, checked) / BOOLEAN.
 * - PostgreSQL text columns use COLLATE "C" so ordering and range scans compare bytes, as SQLite's
 *   BINARY collation does; the audit site filter relies on it (see AuditRepository.query).
 * - Enumerations (role, kind, actor type, outcome) are checked in TypeScript, not by CHECK: adding
 *   a role must not force a table rebuild in SQLite.
 * - Every foreign key has an index so cascading deletes do not scan the child table.
 *
 * Each version's scripts live in migrations/NNN-name.ts; a new feature adds its file and one line
 * to MIGRATIONS, touching no other migration.
 */
import { MigrationError } from './errors.ts';
import { v1 } from './migrations/001-identity.ts';
import { v2 } from './migrations/002-turnUsage.ts';
import { v3 } from './migrations/003-recordingIndex.ts';
import { v4 } from './migrations/004-doorbell.ts';
import { v5 } from './migrations/005-push.ts';
import { v6 } from './migrations/006-invitations.ts';
import { v7 } from './migrations/007-call-messages.ts';
import { v8 } from './migrations/008-detection.ts';
import { v9 } from './migrations/009-alarms.ts';
import { v10 } from './migrations/010-usage.ts';
import { v11 } from './migrations/011-billing.ts';
import { v12 } from './migrations/012-webhooks.ts';
import { v13 } from './migrations/013-ingest.ts';
import { v14 } from './migrations/014-sessions.ts';
import { v15 } from './migrations/015-auditChain.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
  /**
   * SQLite table rebuilds (dropping a foreign key): run with foreign keys off, which SQLite only
   * allows outside a transaction; a `foreign_key_check` then guards the commit.
   */
  readonly sqliteForeignKeysOff?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  v1,
  v2,
  v3,
  v4,
  v5,
  v6,
  v7,
  v8,
  v9,
  v10,
  v11,
  v12,
  v13,
  v14,
  v15,
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
