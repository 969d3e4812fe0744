import type { QueryResult, Row, SqlExecutor, SqlValue } from './SqlExecutor.ts';

/**
 * Table-driven row mapping and the repeated query shapes (insert, get by a column, list by a
 * column, patch, delete). A repository declares its table once (field -> column + codec) and the
 * helpers build the SQL and map the rows, so no method spells out a column list or a mapper.
 * Column and table names come only from these declarations; values are always bound.
 */

/** How one field is stored: to the bound value and back from the driver's value. */
export interface Codec<T> {
  toSql(value: T): SqlValue;
  fromSql(value: unknown): T;
}

export const text: Codec<string> = { toSql: (v) => v, fromSql: (v) => v as string };
/** Both drivers return integers as numbers (PostgreSQL's BIGINT via the executor's parser). */
export const int: Codec<number> = { toSql: (v) => v, fromSql: (v) => Number(v) };
/** 0/1 in SQLite, true/false in PostgreSQL. */
export const bool: Codec<boolean> = { toSql: (v) => v, fromSql: (v) => v === true || v === 1 };

/** JSON kept as text (PostgreSQL's json/jsonb are left unparsed by the executor). */
export function json<T>(): Codec<T> {
  return { toSql: (v) => JSON.stringify(v), fromSql: (v) => JSON.parse(v as string) as T };
}

/** A string-valued union (roles, kinds): stored as text, trusted back as the union. */
export function literal<T extends string>(): Codec<T> {
  return { toSql: (v) => v, fromSql: (v) => v as T };
}

export function nullable<T>(codec: Codec<T>): Codec<T | null> {
  return {
    toSql: (v) => (v === null ? null : codec.toSql(v)),
    fromSql: (v) => (v === null || v === undefined ? null : codec.fromSql(v)),
  };
}

export interface Column<T> {
  name: string;
  codec: Codec<T>;
}

export function column<T>(name: string, codec: Codec<T>): Column<T> {
  return { name, codec };
}

export type Columns<T> = { [K in keyof T]-?: Column<T[K]> };

/** A table and how each field of `T` maps to a column. */
export class Table<T extends object> {
  readonly name: string;
  readonly #columns: Columns<T>;
  readonly #fields: (keyof T & string)[];
  /** `a, b, c` in declaration order, for SELECT and RETURNING. */
  readonly columnList: string;

  constructor(name: string, columns: Columns<T>) {
    this.name = name;
    this.#columns = columns;
    this.#fields = Object.keys(columns) as (keyof T & string)[];
    this.columnList = this.#fields.map((f) => this.col(f)).join(', ');
  }

  /** Column name of a field. */
  col(field: keyof T & string): string {
    return this.#columns[field].name;
  }

  /** A field's value as bound. */
  bind<K extends keyof T & string>(field: K, value: T[K]): SqlValue {
    return this.#columns[field].codec.toSql(value);
  }

  /** Every field's bound value, in `columnList` order. */
  values(entity: T): SqlValue[] {
    return this.#fields.map((f) => this.bind(f, entity[f]));
  }

  fromRow(row: Row): T {
    const out: Partial<T> = {};
    for (const field of this.#fields)
      out[field] = this.#columns[field].codec.fromSql(row[this.col(field)]);
    return out as T;
  }

  /** INSERT of every field except `omit` (database-generated keys); RETURNING `returning`. */
  insert<O extends keyof T & string = never>(
    db: SqlExecutor,
    entity: Omit<T, O>,
    omit: readonly O[] = [],
    returning?: keyof T & string,
  ): Promise<QueryResult> {
    const fields = this.#fields.filter((f) => !(omit as readonly string[]).includes(f));
    const values = entity as Partial<T>;
    const sql =
      `INSERT INTO ${this.name} (${fields.map((f) => this.col(f)).join(', ')}) ` +
      `VALUES (${fields.map(() => '?').join(', ')})` +
      (returning === undefined ? '' : ` RETURNING ${this.col(returning)}`);
    return db.query(
      sql,
      fields.map((f) => this.bind(f, values[f] as T[typeof f])),
    );
  }

  /**
   * The first row matching every `where` field, or null. An empty filter (say, an id that was
   * undefined at run time) is refused: a lookup must never return an arbitrary row.
   */
  async getBy(db: SqlExecutor, where: Partial<T>): Promise<T | null> {
    const { sql, params } = this.#where(where);
    if (params.length === 0) throw new TypeError(`${this.name}: lookup without a key`);
    const { rows } = await db.query(`SELECT ${this.columnList} FROM ${this.name}${sql}`, params);
    const row = rows[0];
    return row === undefined ? null : this.fromRow(row);
  }

  /**
   * Rows matching every `where` field (and the optional extra SQL condition), ordered by the
   * given fields ascending.
   */
  async listBy(
    db: SqlExecutor,
    where: Partial<T>,
    orderBy: readonly (keyof T & string)[],
    extra?: string,
  ): Promise<T[]> {
    const w = this.#where(where, extra);
    const order =
      orderBy.length > 0 ? ` ORDER BY ${orderBy.map((f) => this.col(f)).join(', ')}` : '';
    return this.many(db, `SELECT ${this.columnList} FROM ${this.name}${w.sql}${order}`, w.params);
  }

  /** Runs a SELECT (or ... RETURNING) of this table's columns and maps the rows. */
  async many(db: SqlExecutor, sql: string, params: readonly SqlValue[]): Promise<T[]> {
    const { rows } = await db.query(sql, params);
    return rows.map((r) => this.fromRow(r));
  }

  async one(db: SqlExecutor, sql: string, params: readonly SqlValue[]): Promise<T | null> {
    return (await this.many(db, sql, params))[0] ?? null;
  }

  /**
   * UPDATE of the patch's present keys among `allowed`, on the row whose `key` is `id`. Keys are
   * walked in `allowed`'s order so the SQL text (and so the prepared-statement cache entry) is the
   * same for the same set of keys. An empty patch changes nothing but still reports whether the
   * row exists.
   */
  async patch<K extends keyof T & string>(
    db: SqlExecutor,
    key: keyof T & string,
    id: SqlValue,
    allowed: readonly K[],
    patch: Partial<Pick<T, K>>,
  ): Promise<boolean> {
    const sets: string[] = [];
    const params: SqlValue[] = [];
    for (const field of allowed) {
      const value = patch[field];
      if (value === undefined) continue;
      sets.push(`${this.col(field)} = ?`);
      params.push(this.bind(field, value as T[K]));
    }
    const where = ` WHERE ${this.col(key)} = ?`;
    if (sets.length === 0) {
      const { rows } = await db.query(`SELECT 1 AS found FROM ${this.name}${where}`, [id]);
      return rows.length > 0;
    }
    const { rowCount } = await db.query(`UPDATE ${this.name} SET ${sets.join(', ')}${where}`, [
      ...params,
      id,
    ]);
    return rowCount === 1;
  }

  /** DELETE by one column; returns how many rows went. */
  async deleteBy<K extends keyof T & string>(
    db: SqlExecutor,
    field: K,
    value: T[K],
  ): Promise<number> {
    const { rowCount } = await db.query(`DELETE FROM ${this.name} WHERE ${this.col(field)} = ?`, [
      this.bind(field, value),
    ]);
    return rowCount;
  }

  #where(where: Partial<T>, extra?: string): { sql: string; params: SqlValue[] } {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    for (const field of this.#fields) {
      const value = where[field];
      if (value === undefined) continue;
      conditions.push(`${this.col(field)} = ?`);
      params.push(this.bind(field, value as T[typeof field]));
    }
    if (extra !== undefined) conditions.push(extra);
    return { sql: conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '', params };
  }
}

/** Default 100; clamped to 1..max so one query can never read a whole log. */
export function clampLimit(limit: number | undefined, fallback = 100, max = 1000): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}
