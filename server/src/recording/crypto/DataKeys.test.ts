import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DataKeys, type DataKeyRecord, type DataKeyRepository } from './DataKeys.ts';
import { openObject, sealObject } from './envelope.ts';
import { DecryptionError, KeyUnavailableError } from './errors.ts';
import { MasterKeyRing } from './MasterKeyRing.ts';

/** The repository as the SQL index will implement it, in memory. */
class MemoryDataKeys implements DataKeyRepository {
  readonly rows = new Map<string, DataKeyRecord>();
  inserts = 0;
  async insertDataKey(r: DataKeyRecord): Promise<void> {
    await Promise.resolve(); // yield like a database would
    if (this.rows.has(r.id)) throw new Error('duplicate');
    this.inserts++;
    this.rows.set(r.id, { ...r });
  }
  async getDataKey(id: string): Promise<DataKeyRecord | null> {
    const r = this.rows.get(id);
    return Promise.resolve(r ? { ...r } : null);
  }
  async listDataKeys(): Promise<DataKeyRecord[]> {
    return Promise.resolve([...this.rows.values()].map((r) => ({ ...r })));
  }
  async activeDataKey(deviceId: string): Promise<DataKeyRecord | null> {
    const active = [...this.rows.values()]
      .filter((r) => r.deviceId === deviceId && r.retiredAt === null)
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    return Promise.resolve(active ? { ...active } : null);
  }
  async updateDataKeyWrap(id: string, masterKeyId: string, wrapped: Buffer): Promise<void> {
    const r = this.rows.get(id);
    if (r) this.rows.set(id, { ...r, masterKeyId, wrapped });
    return Promise.resolve();
  }
  async retireDataKey(id: string, at: number): Promise<void> {
    const r = this.rows.get(id);
    if (r) this.rows.set(id, { ...r, retiredAt: at });
    return Promise.resolve();
  }
}

const master = (id: string): { id: string; key: Buffer } => ({ id, key: randomBytes(32) });

describe('DataKeys', () => {
  let repo: MemoryDataKeys;
  let ring: MasterKeyRing;
  let dataKeys: DataKeys;
  let clock: number;
  beforeEach(() => {
    repo = new MemoryDataKeys();
    ring = new MasterKeyRing([master('mk-old')]);
    clock = 1_700_000_000_000;
    dataKeys = new DataKeys({ repo, masterKeys: ring, now: () => clock++ });
  });

  it('creates one key per stream on first use, stored only wrapped', async () => {
    const [a, b, c] = await Promise.all([
      dataKeys.current('dev_1'),
      dataKeys.current('dev_1'),
      dataKeys.current('dev_1'),
    ]);
    expect(repo.inserts).toBe(1);
    expect(a.id).toMatch(/^dk_[A-Za-z0-9_-]{22}$/);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect((await dataKeys.current('dev_1')).id).toBe(a.id);
    const other = await dataKeys.current('dev_2');
    expect(other.id).not.toBe(a.id);
    const row = repo.rows.get(a.id)!;
    expect(row).toMatchObject({ deviceId: 'dev_1', masterKeyId: 'mk-old', retiredAt: null });
    expect(row.wrapped.includes(a.key)).toBe(false);
  });

  it('resolves keys through a fresh instance (unwrapping), and unknown ids cleanly', async () => {
    const key = await dataKeys.current('dev_1');
    const fresh = new DataKeys({ repo, masterKeys: ring });
    expect((await fresh.resolve(key.id)).equals(key.key)).toBe(true);
    expect((await fresh.current('dev_1')).id).toBe(key.id);
    await expect(fresh.resolve('dk_unknown')).rejects.toBeInstanceOf(KeyUnavailableError);
    const foreign = new DataKeys({ repo, masterKeys: new MasterKeyRing([master('mk-old')]) });
    await expect(foreign.resolve(key.id)).rejects.toBeInstanceOf(DecryptionError);
    const missing = new DataKeys({ repo, masterKeys: new MasterKeyRing([master('mk-new')]) });
    await expect(missing.resolve(key.id)).rejects.toBeInstanceOf(KeyUnavailableError);
  });

  it('rotates: new id for new objects, old objects still open', async () => {
    const first = await dataKeys.current('dev_1');
    const storageKey = 'dev_1/seg/1';
    const old = sealObject(Buffer.from('old segment'), first, storageKey);
    const newId = await dataKeys.rotate('dev_1');
    expect(newId).not.toBe(first.id);
    expect((await dataKeys.current('dev_1')).id).toBe(newId);
    expect(repo.rows.get(first.id)!.retiredAt).not.toBeNull();

    const fresh = new DataKeys({ repo, masterKeys: ring });
    const open = (sealed: Buffer): Promise<Buffer> =>
      openObject(sealed, (id) => fresh.resolve(id), storageKey);
    expect((await open(old)).toString()).toBe('old segment');
    const sealedNew = sealObject(Buffer.from('new'), await fresh.current('dev_1'), storageKey);
    expect((await open(sealedNew)).toString()).toBe('new');
  });

  it('rewraps every key under a newly prepended master key', async () => {
    const keys = await Promise.all(['a', 'b', 'c'].map((d) => dataKeys.current(`dev_${d}`)));
    await dataKeys.rotate('dev_a');
    const newMaster = master('mk-new');
    const oldMaster = ring.get('mk-old')!;
    const both = new MasterKeyRing([newMaster, oldMaster]);
    const rewrapper = new DataKeys({ repo, masterKeys: both });
    expect(await rewrapper.rewrapAll()).toBe(4);
    expect([...repo.rows.values()].every((r) => r.masterKeyId === 'mk-new')).toBe(true);
    expect(await rewrapper.rewrapAll()).toBe(0);

    const onlyNew = new DataKeys({ repo, masterKeys: new MasterKeyRing([newMaster]) });
    for (const k of keys) expect((await onlyNew.resolve(k.id)).equals(k.key)).toBe(true);
    const sealed = sealObject(Buffer.from('kept'), keys[1]!, 'x');
    expect((await openObject(sealed, (id) => onlyNew.resolve(id), 'x')).toString()).toBe('kept');
  });
});
