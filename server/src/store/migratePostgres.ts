import { createHash } from 'node:crypto';
import type pg from 'pg';
import { pendingMigrations, SCHEMA_MIGRATIONS_DDL } from './migrations.ts';

/**
 * Applies pending migrations in one transaction holding a transaction-scoped advisory lock, so
 * two processes starting together do not both migrate: the second waits, then finds nothing to
 * do. PostgreSQL DDL is transactional, so a failing migration leaves the schema as it was.
 * `schema`, when given, is created here (after the lock, so concurrent creators do not race) and
 * must already be on the connection's search_path. Returns the versions applied.
 */
export async function migratePostgres(
  pool: pg.Pool,
  schema: string | null,
  now: () => number = Date.now,
): Promise<number[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey(schema)]);
      if (schema !== null) await ensureSchema(client, schema);
      await client.query(SCHEMA_MIGRATIONS_DDL);
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations',
      );
      const applied: number[] = [];
      for (const m of pendingMigrations(rows.map((r) => r.version))) {
        await client.query(m.postgres);
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [m.version, m.name, now()],
        );
        applied.push(m.version);
      }
      await client.query('COMMIT');
      return applied;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // The connection is unusable: make the pool discard it instead of reusing it.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

/**
 * Looks before creating: CREATE SCHEMA IF NOT EXISTS still needs CREATE on the database, which a
 * least-privilege role given an existing schema does not have. `schema` is a validated identifier.
 */
async function ensureSchema(client: pg.PoolClient, schema: string): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
    schema,
  ]);
  if (rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`);
}

/**
 * One lock per schema: different schemas (tenants, parallel test runs) migrate independently.
 * A signed 64-bit key from a hash, since advisory locks are keyed by bigint.
 */
function lockKey(schema: string | null): string {
  const digest = createHash('sha256')
    .update(`porchlight:migrate:${schema ?? ''}`)
    .digest();
  return digest.readBigInt64BE(0).toString();
}
