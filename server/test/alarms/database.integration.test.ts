/**
 * database-errors from a real cause: the server runs on PostgreSQL, which turns read-only (as a
 * failed-over replica would: `default_transaction_read_only`, connections renewed), so every write
 * fails. The alarm is told at once over the socket although its own state cannot be stored; once
 * PostgreSQL takes writes again the ALARM is stored, and it returns to OK when the errors have
 * left the window.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../tests/support/postgres.ts';
import { until } from '../recording/support.ts';
import { alarmWorld, transitions, type AlarmWorld } from './world.ts';

describe('database-errors alarm from PostgreSQL refusing writes', () => {
  let postgres: TestPostgres;
  let admin: pg.Client;
  let w: AlarmWorld;

  beforeAll(async () => {
    postgres = await startPostgres();
    admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    w = await alarmWorld({ database: { url: `${postgres.url}?schema=alarms_db` } });
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    await admin?.end();
    await postgres?.stop();
  }, 60_000);

  /** Sets the database's read-only default and renews the server's connections so it applies. */
  async function readOnly(on: boolean): Promise<void> {
    const db = (await admin.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
    await admin.query(
      `ALTER DATABASE "${db}" ${on ? 'SET default_transaction_read_only = on' : 'RESET default_transaction_read_only'}`,
    );
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [db],
    );
  }

  it('is told at once, stored once writes work again, and resolves', async () => {
    const rule = await w.tune('database-errors', {
      threshold: 0,
      periodSeconds: 1,
      datapointsToAlarm: 1,
      evaluationPeriods: 3,
    });
    await w.waitFor(rule.id, 'OK');
    let errors = 0;
    w.ts.server.store.queryErrors.on('queryError', () => errors++);
    await readOnly(true);
    const alarmed = await w.message(rule.id, 'ALARM');
    expect(alarmed.alarm.value).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(0);
    // Not stored yet: the store refuses every write.
    expect((await w.ts.server.store.alarms.get(rule.id))?.state).toBe('OK');

    await readOnly(false);
    // Requests on connections PostgreSQL just ended fail once; the probe asks again.
    await until('the ALARM stored', async () =>
      transitions(await w.history(rule.id).catch(() => [])).includes('OK->ALARM'),
    );
    const ok = await w.message(rule.id, 'OK');
    expect(ok.alarm.value).toBe(0);
    await w.waitFor(rule.id, 'OK');
    expect(transitions(await w.history(rule.id))).toStrictEqual([
      'INSUFFICIENT_DATA->OK',
      'OK->ALARM',
      'ALARM->OK',
    ]);
  });
});
