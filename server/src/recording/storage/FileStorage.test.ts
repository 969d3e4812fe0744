/** FileStorage specifics beyond the shared contract (storage.contract.test.ts). */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectNotFoundError, StorageError } from './errors.ts';
import { FileStorage } from './FileStorage.ts';
import { collect } from './testSupport.ts';

let base: string;
let root: string;
let storage: FileStorage;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'porchlight-fs-'));
  root = path.join(base, 'nested', 'root');
  storage = new FileStorage({ dir: root });
});
afterEach(async () => {
  await storage.close();
  await rm(base, { recursive: true, force: true });
});

/** Every file below `dir`, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('FileStorage', () => {
  it('creates the root (0700) on first use and stores files (0600) without temp leftovers', async () => {
    expect(existsSync(root)).toBe(false);
    await storage.put('cam1/run1/0001.m4s', Buffer.from('segment'));
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(root, 'cam1', 'run1'))).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(root, 'cam1', 'run1', '0001.m4s'))).mode & 0o777).toBe(0o600);
    expect(await filesUnder(root)).toEqual([path.join('cam1', 'run1', '0001.m4s')]);
  });

  it('hides an interrupted write from list/get and removes it in cleanupPartial', async () => {
    await storage.put('cam1/0001.m4s', Buffer.from('complete'));
    await storage.put('cam1/notes.tmp', Buffer.from('a real object named *.tmp'));
    // What a crash between write and rename leaves behind (temp name: `<path>.~<16 hex>.tmp`).
    await writeFile(path.join(root, 'cam1', '0002.m4s.~0123456789abcdef.tmp'), randomBytes(10));
    await mkdir(path.join(root, 'cam2', 'run9'), { recursive: true });
    await writeFile(path.join(root, 'cam2', 'run9', '0001.m4s.~fedcba9876543210.tmp'), 'half');

    expect(await collect(storage.list(''))).toEqual([
      { key: 'cam1/0001.m4s', size: 8 },
      { key: 'cam1/notes.tmp', size: 25 },
    ]);
    await expect(storage.get('cam1/0002.m4s')).rejects.toBeInstanceOf(ObjectNotFoundError);

    expect(await storage.cleanupPartial()).toBe(2);
    expect(await filesUnder(root)).toEqual([
      path.join('cam1', '0001.m4s'),
      path.join('cam1', 'notes.tmp'),
    ]);
    // Directories that only held the leftover are gone too.
    expect(existsSync(path.join(root, 'cam2'))).toBe(false);
    expect(await storage.cleanupPartial()).toBe(0);
  });

  it('reports plausible capacity of the volume', async () => {
    const capacity = await storage.capacity();
    expect(Number.isSafeInteger(capacity.totalBytes)).toBe(true);
    expect(Number.isSafeInteger(capacity.freeBytes)).toBe(true);
    expect(capacity.totalBytes).toBeGreaterThan(0);
    expect(capacity.freeBytes).toBeGreaterThanOrEqual(0);
    expect(capacity.freeBytes).toBeLessThanOrEqual(capacity.totalBytes);
  });

  it('removes directories left empty by delete, but not the root or non-empty ones', async () => {
    for (const key of [
      'site/cam1/run1/0001.m4s',
      'site/cam1/init.mp4',
      'site/cam2/run1/0001.m4s',
    ]) {
      await storage.put(key, Buffer.from(key));
    }
    await storage.delete(['site/cam1/run1/0001.m4s']);
    expect(existsSync(path.join(root, 'site', 'cam1', 'run1'))).toBe(false);
    expect(existsSync(path.join(root, 'site', 'cam1'))).toBe(true);

    await storage.delete(['site/cam1/init.mp4', 'site/cam2/run1/0001.m4s']);
    expect(await readdir(root)).toEqual([]);
  });

  it('lists a key before its siblings as S3 does when a directory name is a prefix of them', async () => {
    // Byte order: '-' < '.' < '/' < '0'; a plain sort of directory entries would put `a` first.
    for (const key of ['a0', 'a/b', 'a.x', 'a-c']) await storage.put(key, Buffer.from(key));
    expect((await collect(storage.list(''))).map((o) => o.key)).toEqual([
      'a-c',
      'a.x',
      'a/b',
      'a0',
    ]);
    expect((await collect(storage.list('a'))).map((o) => o.key)).toEqual([
      'a-c',
      'a.x',
      'a/b',
      'a0',
    ]);
    expect((await collect(storage.list('a/'))).map((o) => o.key)).toEqual(['a/b']);
    expect(await collect(storage.list('a0/'))).toEqual([]); // a file, not a directory
  });

  it('rejects a key that collides with a key prefix with a clear StorageError', async () => {
    await storage.put('cam1/0001.m4s', Buffer.from('x'));
    const asFile = await storage.put('cam1', Buffer.from('x')).catch((e: unknown) => e);
    expect(asFile).toBeInstanceOf(StorageError);
    expect((asFile as Error).message).toMatch(/collides with an existing object or key prefix/);
    const below = await storage.put('cam1/0001.m4s/x', Buffer.from('x')).catch((e: unknown) => e);
    expect(below).toBeInstanceOf(StorageError);
    expect(await filesUnder(root)).toEqual([path.join('cam1', '0001.m4s')]);
  });

  it('never fails a put while deletes keep pruning the same directory', async () => {
    for (let i = 1; i <= 100; i++) {
      await Promise.all([
        storage.put(`cam1/run/${i}.m4s`, Buffer.from('x')),
        storage.delete([`cam1/run/${i - 1}.m4s`]),
      ]);
    }
    expect(await collect(storage.list(''))).toEqual([{ key: 'cam1/run/100.m4s', size: 1 }]);
  });

  it('wraps I/O failures in StorageError naming the path', async () => {
    const blocked = path.join(base, 'file');
    await writeFile(blocked, '');
    const broken = new FileStorage({ dir: path.join(blocked, 'root') });
    const error = await broken.put('a', Buffer.from('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain(path.join(blocked, 'root'));
    expect((error as Error).message).toContain('ENOTDIR');
  });
});
