import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateSqlite } from '../../src/store/migrateSqlite.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';

/**
 * Migration 7 rebuilds recording_streams in SQLite (its device_id loses the foreign key to
 * devices). Dropping the old table with foreign keys on would cascade into every run and segment:
 * an upgrade must keep a household's recordings, and deleting a device must still delete them.
 */
describe('migration 7 (call messages) on an existing SQLite database', () => {
  let db: Database.Database | undefined;
  afterEach(() => db?.close());

  function seededV6(): Database.Database {
    const d = new Database(':memory:');
    d.pragma('foreign_keys = ON');
    migrateSqlite(
      d,
      () => 1,
      MIGRATIONS.filter((m) => m.version <= 6),
    );
    d.exec(`
      INSERT INTO sites (id, name, created_at) VALUES ('s1', 'Home', 1);
      INSERT INTO devices (id, site_id, kind, name, credential_generation, created_at, online)
        VALUES ('cam', 's1', 'camera', 'Porch', 1, 1, 0), ('door', 's1', 'doorbell', 'Door', 1, 1, 0);
      INSERT INTO recording_streams (device_id, site_id, mode, pre_roll_s, post_roll_s, tags,
        created_at, updated_at) VALUES ('cam', 's1', 'continuous', 6, 20, '{}', 1, 1);
      INSERT INTO recording_runs (id, device_id, site_id, started_at, codecs, key_id, storage_key,
        bytes, stored_bytes) VALUES ('r1', 'cam', 's1', 1, 'avc1', 'k', 'cam/r1/init', 10, 10);
      INSERT INTO recording_segments (device_id, seq, run_id, producer_time, ingest_time,
        duration_ms, bytes, stored_bytes, keyframe, tags, key_id, storage_key)
        VALUES ('cam', 1, 'r1', 1000, 1000, 1000, 10, 10, 1, '[]', 'k', 'cam/r1/1'),
               ('cam', 2, 'r1', 2000, 2000, 1000, 10, 10, 1, '[]', 'k', 'cam/r1/2');
    `);
    return d;
  }

  const count = (d: Database.Database, table: string): number =>
    (d.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('keeps streams, runs and segments, owns each stream by its device, and leaves foreign keys on', () => {
    db = seededV6();
    expect(migrateSqlite(db, () => 2)).toStrictEqual([7]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(count(db, 'recording_segments')).toBe(2);
    expect(count(db, 'recording_runs')).toBe(1);
    expect(
      db.prepare('SELECT device_id, owner_device_id FROM recording_streams').all(),
    ).toStrictEqual([{ device_id: 'cam', owner_device_id: 'cam' }]);
    expect(db.pragma('foreign_key_check')).toStrictEqual([]);
  });

  it('a message stream belongs to its door: deleting the door deletes it with its segments', () => {
    db = seededV6();
    migrateSqlite(db, () => 2);
    db.exec(`
      INSERT INTO recording_streams (device_id, owner_device_id, site_id, mode, pre_roll_s,
        post_roll_s, tags, created_at, updated_at)
        VALUES ('msg-c1', 'door', 's1', 'continuous', 0, 0, '{}', 3, 3);
      INSERT INTO recording_runs (id, device_id, site_id, started_at, codecs, key_id, storage_key,
        bytes, stored_bytes) VALUES ('r2', 'msg-c1', 's1', 3, 'avc1', 'k', 'msg/r2/init', 10, 10);
      INSERT INTO recording_segments (device_id, seq, run_id, producer_time, ingest_time,
        duration_ms, bytes, stored_bytes, keyframe, tags, key_id, storage_key)
        VALUES ('msg-c1', 1, 'r2', 3000, 3000, 1000, 10, 10, 1, '[]', 'k', 'msg/r2/1');
    `);
    expect(() =>
      db!
        .exec(`INSERT INTO recording_streams (device_id, owner_device_id, site_id, mode, pre_roll_s,
        post_roll_s, tags, created_at, updated_at)
        VALUES ('msg-c2', 'nobody', 's1', 'continuous', 0, 0, '{}', 3, 3)`),
    ).toThrow(/FOREIGN KEY/);
    db.exec("DELETE FROM devices WHERE id = 'door'");
    expect(count(db, 'recording_streams')).toBe(1);
    expect(count(db, 'recording_segments')).toBe(2);
    db.exec("DELETE FROM devices WHERE id = 'cam'");
    expect(count(db, 'recording_streams')).toBe(0);
    expect(count(db, 'recording_runs')).toBe(0);
    expect(count(db, 'recording_segments')).toBe(0);
  });
});
