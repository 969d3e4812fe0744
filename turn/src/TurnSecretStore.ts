import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createLogger } from '@porchlight/runtime';
import { TurnConfig } from './TurnConfig.ts';

const logger = createLogger('turn');

/**
 * The TURN REST secrets in coturn's SQLite user database (its `turn_secret` table).
 *
 * Why a database and not `static-auth-secret=` lines: coturn 4.6.1 reads static secrets once at
 * start — SIGHUP only reopens the log (measured: a secret added to the file and SIGHUP'd is
 * refused with 401) — and a restart drops every live allocation. Database secrets are read on
 * every new authentication (measured: a row inserted while running is accepted on the next
 * Allocate, a deleted one refused), while sessions keep the key they authenticated with, so
 * rotating here never disturbs a live allocation.
 *
 * The file is created here with coturn's whole schema and in WAL mode, both measured necessities:
 * coturn creates missing tables on each thread's first connect, and two threads doing that at
 * once fail one client's auth ("database is locked" -> 401); with a rollback journal any of our
 * writes can likewise fail a concurrent coturn read, as coturn sets no busy timeout. In WAL mode
 * readers and the writer never block each other.
 */
/** coturn 4.6.1's SQLite schema (its sqlite driver / schema.sql), made idempotent. */
const COTURN_SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS turnusers_lt (realm varchar(127) default '', name varchar(512), hmackey char(128), PRIMARY KEY (realm,name));
CREATE TABLE IF NOT EXISTS turn_secret (realm varchar(127) default '', value varchar(256), primary key (realm,value));
CREATE TABLE IF NOT EXISTS allowed_peer_ip (realm varchar(127) default '', ip_range varchar(256), primary key (realm,ip_range));
CREATE TABLE IF NOT EXISTS denied_peer_ip (realm varchar(127) default '', ip_range varchar(256), primary key (realm,ip_range));
CREATE TABLE IF NOT EXISTS turn_origin_to_realm (origin varchar(127),realm varchar(127),primary key (origin));
CREATE TABLE IF NOT EXISTS turn_realm_option (realm varchar(127) default '', opt varchar(32), value varchar(128), primary key (realm,opt));
CREATE TABLE IF NOT EXISTS oauth_key (kid varchar(128),ikm_key varchar(256),timestamp bigint default 0,lifetime integer default 0,as_rs_alg varchar(64) default '',realm varchar(127) default '',primary key (kid));
CREATE TABLE IF NOT EXISTS admin_user (name varchar(32), realm varchar(127), password varchar(127), primary key (name));
`;

/** Makes an existing path owner-only (`mode`), with a warning naming it; missing paths are fine. */
async function tighten(file: string, mode: number): Promise<void> {
  let was: number;
  try {
    was = (await fs.promises.stat(file)).mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if ((was & 0o077) === 0) return;
  await fs.promises.chmod(file, mode);
  logger.warn('TURN secret path was accessible to others; fixed', {
    path: file,
    was: was.toString(8),
    now: mode.toString(8),
  });
}

export class TurnSecretStore {
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly dbPath: string,
    readonly realm: string,
  ) {}

  static async create(options: { dbPath: string; realm: string }): Promise<TurnSecretStore> {
    const dir = path.dirname(options.dbPath);
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    // Owner-only before SQLite touches it: it holds the secrets, and SQLite gives the -wal/-shm
    // files the database file's mode. Looser modes left by an older version are fixed.
    await (await fs.promises.open(options.dbPath, 'a', 0o600)).close();
    for (const [file, mode] of [
      [dir, 0o700],
      [options.dbPath, 0o600],
      [`${options.dbPath}-wal`, 0o600],
      [`${options.dbPath}-shm`, 0o600],
    ] as const) {
      await tighten(file, mode);
    }
    const db = new Database(options.dbPath);
    try {
      // A replaced secret is overwritten on disk, not left readable in a free page.
      db.pragma('secure_delete = ON');
      // coturn reads while we write: wait for its read lock instead of failing with SQLITE_BUSY.
      db.pragma('busy_timeout = 2000');
      db.pragma('journal_mode = WAL');
      db.exec(COTURN_SQLITE_SCHEMA);
    } catch (error) {
      db.close();
      throw error;
    }
    return new TurnSecretStore(db, options.dbPath, options.realm);
  }

  /** Secrets coturn will accept for this realm, in no particular order. */
  list(): string[] {
    return (
      this.db.prepare('SELECT value FROM turn_secret WHERE realm = ?').all(this.realm) as {
        value: string;
      }[]
    ).map((r) => r.value);
  }

  /**
   * Makes exactly `secrets` valid for this realm, in one transaction (coturn never sees an
   * empty set). Validated like TurnConfig secrets.
   */
  setSecrets(secrets: readonly string[]): void {
    TurnConfig.from({ realm: this.realm, secrets, secretStore: 'static' }); // throws TurnConfigError
    const del = this.db.prepare('DELETE FROM turn_secret WHERE realm = ? AND value = ?');
    const ins = this.db.prepare('INSERT OR IGNORE INTO turn_secret (realm, value) VALUES (?, ?)');
    this.db.transaction(() => {
      const keep = new Set(secrets);
      for (const s of secrets) ins.run(this.realm, s);
      for (const old of this.list()) if (!keep.has(old)) del.run(this.realm, old);
    })();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
