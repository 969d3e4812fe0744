import { describe, expect, it } from 'vitest';
import { DuplicateError } from '../errors.ts';
import { QueryErrors } from './QueryErrors.ts';
import { SqliteExecutor } from './SqliteExecutor.ts';

describe('QueryErrors', () => {
  it('reports failed statements of a real SQLite executor, not constraint answers', async () => {
    const errors = new QueryErrors();
    const seen: unknown[] = [];
    errors.on('queryError', (e) => seen.push(e));
    const db = errors.watch(await SqliteExecutor.create({ file: ':memory:' }));
    await db.query('CREATE TABLE t (id TEXT PRIMARY KEY)');
    await db.query('INSERT INTO t (id) VALUES (?)', ['a']);
    await expect(db.query('INSERT INTO t (id) VALUES (?)', ['a'])).rejects.toBeInstanceOf(
      DuplicateError,
    );
    expect(seen).toHaveLength(0);
    await expect(db.query('SELECT * FROM missing_table')).rejects.toThrow(/no such table/);
    expect(seen).toHaveLength(1);
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow();
    expect(seen).toHaveLength(1); // a closed store is a shutdown, not an error to alarm on
  });
});
