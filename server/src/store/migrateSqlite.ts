import type BetterSqlite3 from 'better-sqlite3';
import { MigrationError } from './errors.ts';
import {
  MIGRATIONS,
  pendingMigrations,
  SCHEMA_MIGRATIONS_DDL,
  type Migration,
} from './migrations.ts';

/**
 * Applies pending migrations in one IMMEDIATE transaction: it takes SQLite's write lock up front,
 * so a second process migrating the same file waits (busy_timeout) and then finds nothing to do,
 * and a failing migration leaves the database as it was (SQLite DDL is transactional).
 * Returns the versions applied.
 */
export function migrateSqlite(
  db: BetterSqlite3.Database,
  now: () => number = Date.now,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  db.exec(SCHEMA_MIGRATIONS_DDL);
  const known = (): number[] =>
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    );
  // A rebuild needs foreign keys off, a pragma SQLite ignores inside a transaction.
  const rebuilds = pendingMigrations(known(), migrations).some(
    (m) => m.sqliteForeignKeysOff === true,
  );
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  const migrate = db.transaction((): number[] => {
    const record = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const applied: number[] = [];
    for (const m of pendingMigrations(known(), migrations)) {
      db.exec(m.sqlite);
      record.run(m.version, m.name, now());
      applied.push(m.version);
    }
    if (rebuilds && foreignKeys) {
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0)
        throw new MigrationError(`migration broke ${broken.length} foreign key reference(s)`);
    }
    return applied;
  });
  if (rebuilds && foreignKeys) db.pragma('foreign_keys = OFF');
  try {
    return migrate.immediate();
  } finally {
    if (rebuilds && foreignKeys) db.pragma('foreign_keys = ON');
  }
}
