import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { createLogger } from '@porchlight/runtime';
import { ConfigError } from './errors.ts';

const logger = createLogger('secrets');

/** Owner-only modes every secret file and its directory must have (docs/security.md). */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Makes an existing file or directory we own owner-only: a looser mode (any group/other bit) is
 * tightened with a warning naming it. Refuses to start (ConfigError) when it cannot be fixed, e.g.
 * the file belongs to another user. Missing paths are left alone.
 */
export function tightenMode(p: string, kind: 'file' | 'dir'): void {
  let mode: number;
  try {
    mode = fs.statSync(p).mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if ((mode & 0o077) === 0) return;
  const want = kind === 'dir' ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
  // Never lock everyone out of a top-level directory (/etc, /home) a secret was put in directly.
  if (kind === 'dir' && path.dirname(path.resolve(p)) === path.parse(path.resolve(p)).root) {
    throw new ConfigError(
      `${p} is mode ${octal(mode)}: keep secret files in a directory of their own (0700)`,
    );
  }
  try {
    fs.chmodSync(p, want);
  } catch (e) {
    throw new ConfigError(
      `${p} is mode ${octal(mode)} (readable by others) and could not be fixed: ` +
        `${(e as Error).message}; run: chmod ${octal(want)} ${p}`,
    );
  }
  logger.warn('secret path was accessible to others; fixed', {
    path: p,
    was: octal(mode),
    now: octal(want),
  });
}

/** Creates `dir` owner-only, or tightens it if it exists with a looser mode. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tightenMode(dir, 'dir');
}

/**
 * A secret file the operator supplied (their TLS key): we do not own it, so we do not chmod it,
 * but we refuse to run with one that group or others can access.
 */
export function refuseSharedSecretFile(file: string, what: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      `${what} ${file} is mode ${octal(mode)}: group/others must have no access ` +
        `(chmod 600 ${file}); see docs/security.md`,
    );
  }
}

/**
 * Returns the named secret from `dataDir/secrets`, creating it (0600 in a 0700 directory) on first
 * use; an existing one with looser modes is tightened. Secrets never live in the repo; an operator
 * can instead pass them through config/env.
 */
export function loadOrCreateSecret(dataDir: string, name: string): string {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, name);
  ensurePrivateDir(dir);
  tightenMode(file, 'file');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const secret = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret + '\n', { mode: PRIVATE_FILE_MODE });
  // writeFileSync keeps the mode of a file that already existed (too short to use).
  fs.chmodSync(file, PRIVATE_FILE_MODE);
  return secret;
}

/** Marks a value SecretBox sealed; anything else is a legacy clear value. */
const SEALED_PREFIX = 'sealed:v1:';

/**
 * Encrypts small secrets kept in the database (a smart lock's HMAC key): AES-256-GCM under a key
 * derived from the server secret for one `purpose` only, with `context` (the row's id) as
 * associated data so a sealed value copied to another row does not open. Values written before
 * sealing existed (no prefix) are read as they are, so no migration is needed: the next write
 * seals them.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(serverSecret: string, purpose: string) {
    this.#key = Buffer.from(
      hkdfSync('sha256', serverSecret, 'porchlight', `secret box: ${purpose}`, 32),
    );
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(SEALED_PREFIX);
  }

  seal(plain: string, context: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return SEALED_PREFIX + Buffer.concat([nonce, body]).toString('base64url');
  }

  /** The plain value (legacy clear values as they are); throws when tampered or misplaced. */
  open(stored: string, context: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
    if (raw.length < 12 + 16) throw new Error('sealed secret truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([
      decipher.update(raw.subarray(12, raw.length - 16)),
      decipher.final(),
    ]).toString('utf8');
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
