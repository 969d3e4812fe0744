import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.ts';
import { loadTls } from '../src/http/tls.ts';
import { MasterKeyRing } from '../src/recording/crypto/MasterKeyRing.ts';
import { loadOrCreateVapidKeys } from '../src/notify/vapid.ts';
import { loadOrCreateSecret } from '../src/secrets.ts';
import { TurnSecretStore } from '@porchlight/turn';

/** Every secret file is 0600 in a 0700 directory; looser modes are fixed, or refused (issue 9 §5). */
describe('secret files and their modes', () => {
  const dirs: string[] = [];
  const tmp = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-secrets-'));
    dirs.push(d);
    return d;
  };
  const mode = (p: string): number => fs.statSync(p).mode & 0o777;
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('creates the token and TURN secrets 0600 in a 0700 directory, each its own', () => {
    const dataDir = tmp();
    const token = loadOrCreateSecret(dataDir, 'token-secret');
    const turn = loadOrCreateSecret(dataDir, 'turn-secret');
    expect(turn).not.toBe(token);
    expect(mode(path.join(dataDir, 'secrets'))).toBe(0o700);
    expect(mode(path.join(dataDir, 'secrets', 'token-secret'))).toBe(0o600);
    expect(mode(path.join(dataDir, 'secrets', 'turn-secret'))).toBe(0o600);
  });

  it('fixes a pre-existing 0644 secret in a 0755 directory and keeps its value', () => {
    const dataDir = tmp();
    const dir = path.join(dataDir, 'secrets');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, 'token-secret');
    fs.writeFileSync(file, 'x'.repeat(43) + '\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(loadOrCreateSecret(dataDir, 'token-secret')).toBe('x'.repeat(43));
    expect(mode(dir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it('keeps the VAPID key pair 0600 across restarts, fixes looser modes, refuses a corrupt one', () => {
    const dataDir = tmp();
    const first = loadOrCreateVapidKeys(dataDir);
    const file = path.join(dataDir, 'secrets', 'vapid.json');
    expect(mode(file)).toBe(0o600);
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    fs.chmodSync(file, 0o644);
    // Same pair after a restart: every browser subscribed with this public key.
    expect(loadOrCreateVapidKeys(dataDir)).toStrictEqual(first);
    expect(mode(file)).toBe(0o600);
    fs.writeFileSync(file, '{"publicKey":"x"}');
    expect(() => loadOrCreateVapidKeys(dataDir)).toThrow(ConfigError);
  });

  it('fixes the master key file and its directory', () => {
    const dir = path.join(tmp(), 'keys');
    const keyFile = path.join(dir, 'recording-master-keys');
    MasterKeyRing.load({ env: undefined, keyFile });
    expect(mode(dir)).toBe(0o700);
    expect(mode(keyFile)).toBe(0o600);
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(keyFile, 0o644);
    MasterKeyRing.load({ env: undefined, keyFile });
    expect(mode(dir)).toBe(0o700);
    expect(mode(keyFile)).toBe(0o600);
  });

  it('keeps our self-signed TLS key 0600 in a 0700 directory, fixing looser modes', () => {
    const dataDir = tmp();
    const o = { certFile: '', keyFile: '', dataDir, hosts: ['localhost'] };
    const tls = loadTls(o);
    expect(mode(path.dirname(tls.keyFile))).toBe(0o700);
    expect(mode(tls.keyFile)).toBe(0o600);
    fs.chmodSync(tls.keyFile, 0o644);
    fs.chmodSync(path.dirname(tls.keyFile), 0o755);
    expect(loadTls(o).key).toBe(tls.key);
    expect(mode(tls.keyFile)).toBe(0o600);
    expect(mode(path.dirname(tls.keyFile))).toBe(0o700);
  });

  it('refuses an operator-supplied TLS key that others can read, naming the file', () => {
    const dataDir = tmp();
    const own = loadTls({ certFile: '', keyFile: '', dataDir, hosts: ['localhost'] });
    const keyFile = path.join(tmp(), 'key.pem');
    fs.copyFileSync(own.keyFile, keyFile);
    fs.chmodSync(keyFile, 0o644);
    const supplied = { certFile: own.certFile, keyFile, dataDir, hosts: ['localhost'] };
    expect(() => loadTls(supplied)).toThrow(ConfigError);
    expect(() => loadTls(supplied)).toThrow(new RegExp(`${keyFile}.*0644`));
    expect(mode(keyFile)).toBe(0o644); // not ours: not touched
    fs.chmodSync(keyFile, 0o600);
    expect(loadTls(supplied).key).toBe(own.key);
  });

  it('keeps the TURN secret database 0600 in a 0700 directory, fixing looser modes', async () => {
    const dir = path.join(tmp(), 'turn');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const dbPath = path.join(dir, 'turndb');
    fs.writeFileSync(dbPath, '', { mode: 0o644 });
    fs.chmodSync(dbPath, 0o644);
    const store = await TurnSecretStore.create({ dbPath, realm: 'example.test' });
    try {
      store.setSecrets(['s'.repeat(40)]);
      expect(mode(dir)).toBe(0o700);
      expect(mode(dbPath)).toBe(0o600);
      for (const side of ['-wal', '-shm']) {
        if (fs.existsSync(dbPath + side)) expect(mode(dbPath + side)).toBe(0o600);
      }
    } finally {
      store.close();
    }
  });
});
