import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  statfs,
  unlink,
} from 'node:fs/promises';
import path from 'node:path';
import { describeError, InvalidKeyError, ObjectNotFoundError, StorageError } from './errors.ts';
import {
  isValidKey,
  validateKey,
  validatePrefix,
  type ObjectStorage,
  type StoredObject,
} from './ObjectStorage.ts';

export interface FileStorageOptions {
  /** Root directory; created (with parents) with mode 0700 on first use if missing. */
  dir: string;
}

/**
 * Temp files are `<object path>.~<16 hex>.tmp`. `~` never occurs in a valid key, so a temp file
 * is never mistaken for an object (a key may itself end in `.tmp`).
 */
const TEMP_FILE = /\.~[0-9a-f]{16}\.tmp$/;
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** Unlinks in flight at once: quick retention sweeps without running out of file descriptors. */
const DELETE_CONCURRENCY = 32;
/** Tries of mkdir+open when a concurrent delete keeps pruning the freshly created directory. */
const CREATE_ATTEMPTS = 5;
/** Errors meaning "no object at this path" (a missing file, or a path component is not a directory). */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
/** Errors meaning a key collides with a key prefix (`a` vs `a/b`), which a file tree cannot hold. */
const CONFLICT = new Set(['EEXIST', 'EISDIR', 'ENOTDIR', 'ENOTEMPTY']);

/**
 * Objects as files under a root directory, one file per key (`a/b/c` → `<root>/a/b/c`). Writes go
 * to a temp file that is fsynced and renamed into place, then the directory is fsynced: the
 * rename makes the object appear atomically, the fsyncs make it survive a crash or power loss.
 * Limitation of a file tree: a key cannot also be a prefix of other keys (`a` and `a/b`).
 */
export class FileStorage implements ObjectStorage {
  readonly kind = 'fs';
  readonly root: string;
  #ready: Promise<void> | undefined;
  #closed = false;
  /** Temp files of puts in progress, which cleanupPartial must leave alone. */
  readonly #inflight = new Set<string>();

  constructor(options: FileStorageOptions) {
    this.root = path.resolve(options.dir);
  }

  async put(key: string, data: Buffer): Promise<void> {
    validateKey(key);
    await this.#open('put');
    const file = this.#pathOf(key);
    const dir = path.dirname(file);
    const tmp = `${file}.~${randomBytes(8).toString('hex')}.tmp`;
    this.#inflight.add(tmp);
    try {
      const created = await this.#writeTemp(dir, tmp, data);
      await rename(tmp, file);
      await this.#syncDirs(dir, created);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw this.#error('put', key, error);
    } finally {
      this.#inflight.delete(tmp);
    }
  }

  async get(key: string): Promise<Buffer> {
    validateKey(key);
    await this.#open('get');
    try {
      return await readFile(this.#pathOf(key));
    } catch (error) {
      if (MISSING.has(errnoCode(error) ?? '')) throw new ObjectNotFoundError(key);
      throw this.#error('get', key, error);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) validateKey(key);
    if (keys.length === 0) return;
    await this.#open('delete');
    const parents = new Set<string>();
    for (let i = 0; i < keys.length; i += DELETE_CONCURRENCY) {
      await Promise.all(
        keys.slice(i, i + DELETE_CONCURRENCY).map(async (key) => {
          const file = this.#pathOf(key);
          try {
            await unlink(file);
            parents.add(path.dirname(file));
          } catch (error) {
            if (!MISSING.has(errnoCode(error) ?? '')) throw this.#error('delete', key, error);
          }
        }),
      );
    }
    await this.#pruneEmptyDirs(parents);
  }

  async *list(prefix: string): AsyncGenerator<StoredObject> {
    validatePrefix(prefix);
    await this.#open('list');
    // Start at the deepest directory the prefix names; its last, partial segment filters names.
    const slash = prefix.lastIndexOf('/');
    yield* this.#walk(prefix.slice(0, slash + 1), prefix.slice(slash + 1));
  }

  async cleanupPartial(): Promise<number> {
    await this.#open('cleanupPartial');
    let removed = 0;
    const parents = new Set<string>();
    for await (const file of this.#tempFiles(this.root)) {
      if (this.#inflight.has(file)) continue;
      try {
        await unlink(file);
        removed++;
        parents.add(path.dirname(file));
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') {
          throw new StorageError('fs', 'cleanupPartial', describeError(error), error);
        }
      }
    }
    await this.#pruneEmptyDirs(parents);
    return removed;
  }

  async capacity(): Promise<{ totalBytes: number; freeBytes: number }> {
    await this.#open('capacity');
    try {
      const s = await statfs(this.root);
      // bavail, not bfree: blocks reserved for root are not available to this process.
      return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
    } catch (error) {
      throw new StorageError('fs', 'capacity', describeError(error), error);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Creates the root on first use (not in the constructor, which cannot wait or fail softly). */
  async #open(operation: string): Promise<void> {
    if (this.#closed) throw new StorageError('fs', operation, 'storage is closed');
    this.#ready ??= mkdir(this.root, { recursive: true, mode: DIR_MODE }).then(
      // Persist the new root's entry like any directory a put creates.
      async (made) => (made === undefined ? undefined : fsyncDir(path.dirname(made))),
      (error: unknown) => {
        this.#ready = undefined; // let a later call retry, e.g. once a volume is mounted
        throw new StorageError(
          'fs',
          operation,
          `cannot create ${this.root}: ${describeError(error)}`,
          error,
        );
      },
    );
    await this.#ready;
  }

  #pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  /** Writes and fsyncs the temp file; returns the topmost directory it had to create, if any. */
  async #writeTemp(dir: string, tmp: string, data: Buffer): Promise<string | undefined> {
    let created: string | undefined;
    for (let attempt = 1; ; attempt++) {
      // A concurrent delete may prune a parent mid-mkdir (ENOENT) or the still-empty directory
      // between mkdir and open: both are retried.
      const made = await mkdir(dir, { recursive: true, mode: DIR_MODE }).catch((error: unknown) => {
        if (errnoCode(error) === 'ENOENT' && attempt < CREATE_ATTEMPTS) return null;
        throw error;
      });
      if (made === null) continue;
      if (made !== undefined && (created === undefined || made.length < created.length)) {
        created = made;
      }
      const handle = await open(tmp, 'wx', FILE_MODE).catch((error: unknown) => {
        if (errnoCode(error) === 'ENOENT' && attempt < CREATE_ATTEMPTS) return undefined;
        throw error;
      });
      if (handle === undefined) continue;
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return created;
    }
  }

  /**
   * Fsyncs `dir` (persists the rename) and, when directories were created for the object, every
   * parent up to the one holding the topmost new directory (persists their entries).
   */
  async #syncDirs(dir: string, created: string | undefined): Promise<void> {
    const dirs = [dir];
    if (created !== undefined) {
      const top = path.dirname(created);
      for (let d = dir; d !== top && d !== path.dirname(d);) {
        d = path.dirname(d);
        dirs.push(d);
      }
    }
    await Promise.all(dirs.map(fsyncDir));
  }

  /** Removes directories left empty, deepest first, up to (not including) the root. */
  async #pruneEmptyDirs(dirs: Iterable<string>): Promise<void> {
    const deepestFirst = [...dirs].sort((a, b) => b.length - a.length);
    for (const start of deepestFirst) {
      for (let d = start; d.startsWith(this.root + path.sep); d = path.dirname(d)) {
        // Not empty (or gone, or anything else): stop here; pruning is tidying, not a contract.
        const removed = await rmdir(d).then(
          () => true,
          () => false,
        );
        if (!removed) break;
      }
    }
  }

  /** Objects under `dirKey` (`''` or ending in `/`) whose first name starts with `namePrefix`, in key order. */
  async *#walk(dirKey: string, namePrefix: string): AsyncGenerator<StoredObject> {
    const dir = path.join(this.root, dirKey);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (MISSING.has(errnoCode(error) ?? '')) return;
      throw new StorageError(
        'fs',
        'list',
        `${JSON.stringify(dirKey)}: ${describeError(error)}`,
        error,
      );
    }
    // Temp files (with `~`) and foreign names fail isValidKey. A directory sorts as `name/` so
    // that `a-c` < `a.x` < `a/b` < `a0` as with S3's byte order (a readdir sort gives `a` first).
    const sorted = entries
      .filter((e) => e.name.startsWith(namePrefix) && isValidKey(e.name))
      .filter((e) => e.isDirectory() || e.isFile())
      .map((e) => ({
        name: e.name,
        isDir: e.isDirectory(),
        order: e.isDirectory() ? `${e.name}/` : e.name,
      }))
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    for (const entry of sorted) {
      const key = dirKey + entry.name;
      if (entry.isDir) {
        yield* this.#walk(`${key}/`, '');
        continue;
      }
      let size: number;
      try {
        size = (await stat(path.join(dir, entry.name))).size;
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') continue; // deleted meanwhile
        throw this.#error('list', key, error);
      }
      yield { key, size };
    }
  }

  async *#tempFiles(dir: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw new StorageError('fs', 'cleanupPartial', describeError(error), error);
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) yield* this.#tempFiles(full);
      else if (entry.isFile() && TEMP_FILE.test(entry.name)) yield full;
    }
  }

  #error(operation: string, key: string, error: unknown): Error {
    if (error instanceof StorageError || error instanceof InvalidKeyError) return error;
    if (error instanceof ObjectNotFoundError) return error;
    const code = errnoCode(error);
    if (operation === 'put' && code !== undefined && CONFLICT.has(code)) {
      return new StorageError(
        'fs',
        operation,
        `key ${JSON.stringify(key)} collides with an existing object or key prefix ` +
          `(a file tree cannot hold both "a" and "a/b"): ${describeError(error)}`,
        error,
      );
    }
    return new StorageError(
      'fs',
      operation,
      `key ${JSON.stringify(key)}: ${describeError(error)}`,
      error,
    );
  }
}

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    // Gone: a concurrent delete of this very key pruned it; nothing left to persist.
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}
