import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TurnConfig } from './TurnConfig.ts';

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
 * coturn creates its other tables itself on first connect; we only need this one, with
 * coturn's own DDL (/usr/share/coturn/schema.sql).
 */
export class TurnSecretStore {
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly dbPath: string,
    readonly realm: string,
  ) {}

  static async create(options: { dbPath: string; realm: string }): Promise<TurnSecretStore> {
    await fs.promises.mkdir(path.dirname(options.dbPath), { recursive: true });
    const db = new Database(options.dbPath);
    try {
      // coturn reads while we write: wait for its read lock instead of failing with SQLITE_BUSY.
      db.pragma('busy_timeout = 2000');
      db.exec(
        "CREATE TABLE IF NOT EXISTS turn_secret (realm varchar(127) default '', value varchar(256), primary key (realm,value))",
      );
      // The file holds the secrets: owner-only, whoever created it.
      await fs.promises.chmod(options.dbPath, 0o600);
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
