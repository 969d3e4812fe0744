import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { column, int, Table, text } from '../executor/table.ts';

export interface Site {
  id: string;
  name: string;
  createdAt: number;
}

export type SitePatch = Partial<Pick<Site, 'name'>>;

export interface SiteRepository {
  create(s: Site): Promise<void>;
  get(id: string): Promise<Site | null>;
  /** Oldest first. */
  list(): Promise<Site[]>;
  update(id: string, patch: SitePatch): Promise<boolean>;
  /** Grants, devices, provisioning codes and site-scoped API keys go with it (ON DELETE CASCADE). */
  delete(id: string): Promise<boolean>;
}

const sites = new Table<Site>('sites', {
  id: column('id', text),
  name: column('name', text),
  createdAt: column('created_at', int),
});

export class SqlSiteRepository implements SiteRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(s: Site): Promise<void> {
    await sites.insert(this.#db, s);
  }

  get(id: string): Promise<Site | null> {
    return sites.getBy(this.#db, { id });
  }

  list(): Promise<Site[]> {
    return sites.listBy(this.#db, {}, ['createdAt', 'id']);
  }

  update(id: string, patch: SitePatch): Promise<boolean> {
    return sites.patch(this.#db, 'id', id, ['name'], patch);
  }

  async delete(id: string): Promise<boolean> {
    return (await sites.deleteBy(this.#db, 'id', id)) === 1;
  }
}
