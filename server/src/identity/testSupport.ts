/**
 * Test helpers for the service tests (not exported from index.ts): a real in-memory SQLite store
 * seeded with one account and one site, and a hand-driven clock.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../store/createStore.ts';
import { SqliteExecutor } from '../store/executor/SqliteExecutor.ts';
import type { Account, Site } from '../store/types.ts';

export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

export function fakeClock(start = 1_700_000_000_000): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface Seeded {
  store: Store;
  account: Account;
  site: Site;
}

export async function seededStore(passwordHash = 'scrypt$unused'): Promise<Seeded> {
  const store = await openStore(await SqliteExecutor.create({ file: ':memory:' }));
  const account = await addAccount(store, 'owner@example.com', passwordHash);
  const site: Site = { id: randomUUID(), name: 'Home', createdAt: 1 };
  await store.sites.create(site);
  return { store, account, site };
}

export async function addAccount(
  store: Pick<Store, 'accounts'>,
  email: string,
  passwordHash: string,
): Promise<Account> {
  const account: Account = {
    id: randomUUID(),
    email,
    displayName: email.split('@')[0]!,
    passwordHash,
    isAdmin: false,
    createdAt: 1,
    disabledAt: null,
  };
  await store.accounts.create(account);
  return account;
}

export interface FileSeeded extends Seeded {
  /** Every row of every table of the database file, read through a separate connection. */
  dump(): string;
  cleanup(): Promise<void>;
}

/**
 * A seeded store on a temporary file, so tests can read what actually reached the database
 * (the store itself exposes no raw access).
 */
export async function seededFileStore(): Promise<FileSeeded> {
  const dir = mkdtempSync(path.join(tmpdir(), 'porchlight-auth-'));
  const file = path.join(dir, 'store.db');
  const store = await openStore(await SqliteExecutor.create({ file }));
  const account = await addAccount(store, 'owner@example.com', 'scrypt$unused');
  const site: Site = { id: randomUUID(), name: 'Home', createdAt: 1 };
  await store.sites.create(site);
  return {
    store,
    account,
    site,
    dump: () => {
      const db = new Database(file, { readonly: true });
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
          name: string;
        }[];
        return JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM "${t.name}"`).all()));
      } finally {
        db.close();
      }
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
