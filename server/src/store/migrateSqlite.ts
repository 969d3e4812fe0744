import type BetterSqlite3 from 'better-sqlite3';
import { pendingMigrations, SCHEMA_MIGRATIONS_DDL } from './migrations.ts';

/**
 * Applies pending migrations in one IMMEDIATE transaction: it takes SQLite's write lock up front,
 * so a second process migrating the same file waits (busy_timeout) and then finds nothing to do,
 * and a failing migration leaves the database as it was (SQLite DDL is transactional).
 * Returns the versions applied.
 */
export function migrateSqlite(db: BetterSqlite3.Database, now: () => number = Date.now): number[] {
  const migrate = db.transaction((): number[] => {
    db.exec(SCHEMA_MIGRATIONS_DDL);
    const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    const record = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const applied: number[] = [];
    for (const m of pendingMigrations(rows.map((r) => r.version))) {
      db.exec(m.sqlite);
      record.run(m.version, m.name, now());
      applied.push(m.version);
    }
    return applied;
  });
  return migrate.immediate();
}
