import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/identity/audit/AuditLog.ts';
import { run as verifyCli } from '../../src/identity/audit/verifyCli.ts';
import { createStore, type Store } from '../../src/store/createStore.ts';
import { startPostgres, type TestPostgres } from '../../../tests/support/postgres.ts';

const DAY = 86_400_000;

/**
 * Issue 16: the audit log's hash chain. Rows edited or removed in the database itself are named
 * by verification; retention deletes old rows and verification still holds; two writers at once
 * (two nodes) still make one linear chain. On SQLite and on PostgreSQL.
 */
const engines: [string, () => Promise<{ url: string; stop(): Promise<void> }>][] = [
  [
    'SQLite',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-audit-'));
      return {
        url: `sqlite:${path.join(dir, 'audit.db')}`,
        stop: async () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const pg: TestPostgres = await startPostgres();
      return { url: pg.url, stop: () => pg.stop() };
    },
  ],
];

describe.each(engines)('audit hash chain: %s', (_name, start) => {
  let db: { url: string; stop(): Promise<void> };
  let store: Store;
  let t = Date.UTC(2026, 0, 1);
  const now = (): number => t;

  beforeAll(async () => {
    db = await start();
    store = await createStore({ url: db.url });
  }, 90_000);
  afterAll(async () => {
    await store?.close();
    await db?.stop();
  });

  const ids = async (): Promise<number[]> =>
    (await store.audit.chainPage(0, 10_000)).map((r) => r.id);

  it('two writers at once make one verifiable chain', async () => {
    // Two nodes: separate logs (separate write queues) on one database.
    const a = new AuditLog(store.audit, now);
    const b = new AuditLog(store.audit, now);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).record({
          action: 'test.write',
          outcome: 'success',
          actor: { type: 'system', id: null },
          detail: { i, nested: { z: 1, a: [1, 'two', null] } },
        }),
      ),
    );
    const report = await a.verify();
    expect(report).toMatchObject({ ok: true, checked: 40, firstBroken: null });
  });

  it('names an edited row, and the row after a removed one', async () => {
    const log = new AuditLog(store.audit, now);
    const all = await ids();
    const victim = all[10]!;
    await store.executor.query("UPDATE audit_events SET action = 'tampered' WHERE id = ?", [
      victim,
    ]);
    expect((await log.verify()).firstBroken?.id).toBe(victim);
    await store.executor.query("UPDATE audit_events SET action = 'test.write' WHERE id = ?", [
      victim,
    ]);
    expect((await log.verify()).ok).toBe(true);

    // Re-hashing the edited row is not enough: its successor no longer follows it.
    await store.executor.query('UPDATE audit_events SET hash = ? WHERE id = ?', [
      '0'.repeat(64),
      all[12]!,
    ]);
    expect((await log.verify()).firstBroken?.id).toBe(all[12]);
    await store.executor.query('DELETE FROM audit_events WHERE id >= ?', [all[12]!]);
    expect((await log.verify()).ok).toBe(true);

    await store.executor.query('DELETE FROM audit_events WHERE id = ?', [all[5]!]);
    expect((await log.verify()).firstBroken?.id).toBe(all[6]);
    await store.executor.query('DELETE FROM audit_events WHERE id > ?', [all[4]!]);
    expect((await log.verify()).ok).toBe(true);
  });

  it('npm run audit:verify reports the first broken row and exits 1', async () => {
    const out: string[] = [];
    const env = { PORCHLIGHT_DATABASE_URL: db.url, PORCHLIGHT_DATA_DIR: os.tmpdir() };
    expect(await verifyCli((l) => out.push(l), env)).toBe(0);
    const victim = (await ids())[3]!;
    await store.executor.query("UPDATE audit_events SET outcome = 'denied' WHERE id = ?", [victim]);
    out.length = 0;
    expect(await verifyCli((l) => out.push(l), env)).toBe(1);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: false, firstBroken: { id: victim } });
    await store.executor.query("UPDATE audit_events SET outcome = 'success' WHERE id = ?", [
      victim,
    ]);
  });

  it('retention deletes old rows and the chain still verifies, also after new writes', async () => {
    const log = new AuditLog(store.audit, now);
    const before = (await ids()).length;
    t += 40 * DAY;
    for (let i = 0; i < 5; i++) await log.record({ action: 'test.late', outcome: 'success' });
    t += 20 * DAY;
    // 30 days: everything but the 5 late rows (20 days old) goes.
    expect(await log.prune(30)).toBe(before);
    expect((await ids()).length).toBe(5);
    const report = await log.verify();
    expect(report).toMatchObject({ ok: true, checked: 5 });
    expect(report.anchorId).not.toBeNull();
    await log.record({ action: 'test.after', outcome: 'success' });
    expect(await log.verify()).toMatchObject({ ok: true, checked: 6 });
    // Tampering after retention is still found.
    const first = (await ids())[0]!;
    await store.executor.query("UPDATE audit_events SET ip = '6.6.6.6' WHERE id = ?", [first]);
    expect((await log.verify()).firstBroken?.id).toBe(first);
    await store.executor.query('UPDATE audit_events SET ip = NULL WHERE id = ?', [first]);
    // Everything old: the anchor alone carries the chain to the next row.
    t += 60 * DAY;
    expect(await log.prune(30)).toBe(6);
    await log.record({ action: 'test.fresh', outcome: 'success' });
    expect(await log.verify()).toMatchObject({ ok: true, checked: 1 });
  });
});
