import { describe, expect, it } from 'vitest';
import { MigrationError } from '../../src/store/errors.ts';
import {
  assertOrdered,
  MIGRATIONS,
  pendingMigrations,
  type Migration,
} from '../../src/store/migrations.ts';

const m = (version: number): Migration => ({
  version,
  name: `m${version}`,
  sqlite: '',
  postgres: '',
});

describe('migrations', () => {
  it('are strictly ordered and written for both dialects', () => {
    expect(() => assertOrdered(MIGRATIONS)).not.toThrow();
    for (const migration of MIGRATIONS) {
      expect(migration.sqlite.trim()).not.toBe('');
      expect(migration.postgres.trim()).not.toBe('');
    }
  });

  it('leaves out what is applied, in order', () => {
    const list = [m(1), m(2), m(3)];
    expect(pendingMigrations([], list)).toStrictEqual(list);
    expect(pendingMigrations([1, 2], list)).toStrictEqual([m(3)]);
    expect(pendingMigrations([3, 1, 2], list)).toStrictEqual([]);
  });

  it('refuses versions this build does not know', () => {
    expect(() => pendingMigrations([1, 7], [m(1)])).toThrow(MigrationError);
  });

  it('refuses an unordered or duplicated list', () => {
    expect(() => assertOrdered([m(2), m(1)])).toThrow(MigrationError);
    expect(() => assertOrdered([m(1), m(1)])).toThrow(MigrationError);
    expect(() => assertOrdered([m(0)])).toThrow(MigrationError);
    expect(() => assertOrdered([m(1.5)])).toThrow(MigrationError);
  });
});
