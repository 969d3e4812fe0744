import fs from 'node:fs';
import path from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenMode } from '../secrets.ts';

/** The server's VAPID key pair (P-256, base64url: public 65 bytes uncompressed, private 32). */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const FILE = 'vapid.json';
const Stored = z.object({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/),
  privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

/**
 * Returns the VAPID key pair from `dataDir/secrets/vapid.json`, generating it on first start
 * (0600 in the 0700 secrets directory). It must outlive restarts: every browser subscribed with
 * this public key, and a new pair would silently orphan all their subscriptions.
 */
export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, FILE);
  ensurePrivateDir(dir);
  tightenMode(file, 'file');
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== undefined) {
    try {
      return Stored.parse(JSON.parse(text));
    } catch {
      // Never replace it silently: that would unsubscribe every browser.
      throw new ConfigError(
        `${file} is not a VAPID key pair; restore it, or delete it to generate a new one ` +
          '(every browser must then subscribe again)',
      );
    }
  }
  const keys = webpush.generateVAPIDKeys();
  const pair: VapidKeys = { publicKey: keys.publicKey, privateKey: keys.privateKey };
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(pair) + '\n', { mode: PRIVATE_FILE_MODE });
  fs.renameSync(tmp, file);
  return pair;
}
