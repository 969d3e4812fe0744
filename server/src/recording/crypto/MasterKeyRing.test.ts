import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecryptionError, KeyUnavailableError, MasterKeyConfigError } from './errors.ts';
import { MasterKeyRing } from './MasterKeyRing.ts';

const master = (id: string): { id: string; key: Buffer } => ({ id, key: randomBytes(32) });
const envOf = (...keys: { id: string; key: Buffer }[]): string =>
  keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

describe('MasterKeyRing', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(tmpdir(), 'porchlight-keys-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses env keys, the first being current', () => {
    const [a, b] = [master('mk-a'), master('mk_b')];
    const ring = MasterKeyRing.load({ env: ` ${envOf(a, b)} `, keyFile: path.join(dir, 'no') });
    expect(ring.ids).toEqual(['mk-a', 'mk_b']);
    expect(ring.current.id).toBe('mk-a');
    expect(ring.get('mk_b')?.key.equals(b.key)).toBe(true);
    expect(ring.get('nope')).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'no'))).toBe(false);
    const urlSafe = `k:${a.key.toString('base64url')}`;
    expect(MasterKeyRing.load({ env: urlSafe, keyFile: '' }).current.key.equals(a.key)).toBe(true);
  });

  it.each([
    ['no colon', 'justtext'],
    ['bad id', `bad id!:${randomBytes(32).toString('base64')}`],
    ['id too long', `${'x'.repeat(33)}:${randomBytes(32).toString('base64')}`],
    ['short key', `k:${randomBytes(16).toString('base64')}`],
    ['long key', `k:${randomBytes(33).toString('base64')}`],
    ['not base64', 'k:@@@@'],
    ['duplicate id', envOf({ id: 'k', key: randomBytes(32) }, { id: 'k', key: randomBytes(32) })],
    ['empty entry', `${envOf(master('a'))},`],
  ])('rejects env with %s without echoing key bytes', (_name, env) => {
    let error: unknown;
    try {
      MasterKeyRing.load({ env, keyFile: path.join(dir, 'keys') });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MasterKeyConfigError);
    const b64 = env.split(':')[1]?.slice(0, 16);
    if (b64 && b64.length >= 8) expect((error as Error).message).not.toContain(b64);
  });

  it('creates a 0600 key file in a 0700 directory once, and reloads it identically', () => {
    const keyFile = path.join(dir, 'secrets', 'master.keys');
    const ring = MasterKeyRing.load({ env: undefined, keyFile });
    expect(ring.current.id).toMatch(/^mk-\d{8}-[0-9a-f]{8}$/);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.dirname(keyFile))).toEqual(['master.keys']); // no temp left
    const again = MasterKeyRing.load({ env: '', keyFile });
    expect(again.ids).toEqual(ring.ids);
    expect(again.current.key.equals(ring.current.key)).toBe(true);
  });

  it('reads comments and blank lines in the key file; rejects an empty one', () => {
    const [a, b] = [master('a'), master('b')];
    const keyFile = path.join(dir, 'keys');
    fs.writeFileSync(keyFile, `# header\n\n${envOf(a)}\n  # old:\n${envOf(b)}\n`);
    expect(MasterKeyRing.load({ env: undefined, keyFile }).ids).toEqual(['a', 'b']);
    fs.writeFileSync(keyFile, '# nothing\n');
    expect(() => MasterKeyRing.load({ env: undefined, keyFile })).toThrow(MasterKeyConfigError);
  });

  it('rotates the key file by prepending a new current key', () => {
    const keyFile = path.join(dir, 'keys');
    const before = MasterKeyRing.load({ env: undefined, keyFile });
    const newId = MasterKeyRing.rotateFile(keyFile);
    const after = MasterKeyRing.load({ env: undefined, keyFile });
    expect(after.ids).toEqual([newId, ...before.ids]);
    expect(after.get(before.current.id)?.key.equals(before.current.key)).toBe(true);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(keyFile, 'utf8').startsWith('#')).toBe(true);
  });

  it('wraps and unwraps data keys, failing cleanly on the wrong ring', () => {
    const ring = new MasterKeyRing([master('mk-1')]);
    const dataKey = randomBytes(32);
    const { masterKeyId, wrapped } = ring.wrap(dataKey);
    expect(masterKeyId).toBe('mk-1');
    expect(wrapped.length).toBe(12 + 32 + 16);
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(ring.unwrap(masterKeyId, wrapped).equals(dataKey)).toBe(true);

    expect(() => new MasterKeyRing([master('mk-2')]).unwrap('mk-1', wrapped)).toThrow(
      KeyUnavailableError,
    );
    expect(() => new MasterKeyRing([master('mk-1')]).unwrap('mk-1', wrapped)).toThrow(
      DecryptionError,
    );
    // A wrapping is bound to its master key id.
    const relabelled = new MasterKeyRing([{ id: 'mk-x', key: ring.current.key }]);
    expect(() => relabelled.unwrap('mk-x', wrapped)).toThrow(DecryptionError);
    const tampered = Buffer.from(wrapped);
    tampered[20]! ^= 1;
    expect(() => ring.unwrap('mk-1', tampered)).toThrow(DecryptionError);
    expect(() => ring.unwrap('mk-1', wrapped.subarray(1))).toThrow(DecryptionError);
  });

  it('keeps key bytes out of inspect and JSON', () => {
    const ring = new MasterKeyRing([master('mk-1')]);
    const b64 = ring.current.key.toString('base64');
    expect(inspect(ring)).not.toContain(b64.slice(0, 10));
    expect(JSON.stringify(ring)).toBe('{"ids":["mk-1"]}');
  });
});
