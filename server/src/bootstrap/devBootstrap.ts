import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Identity } from '../identity/createIdentity.ts';
import type { Site } from '../store/types.ts';

export const BOOTSTRAP_OWNER_EMAIL = 'owner@porchlight.local';

export interface BootstrapResult {
  site: Site;
  ownerEmail: string;
  /** The initial password, while its file exists (delete the file once you changed it). */
  ownerPassword: string | undefined;
  passwordFile: string;
  /** Where a person logs in to watch. */
  viewerUrl: string;
  /** One-time link that turns a browser into a camera of the site. */
  cameraUrl: string;
  cameraCodeExpiresAt: number;
}

/**
 * Dev bootstrap for `npm start`: on first run, creates an owner (platform admin) with a random
 * password kept in dataDir/secrets (0600) and a first site; on every run, a fresh single-use
 * camera provisioning link. The code rides in the URL fragment, which browsers never send to a
 * server, so it stays out of logs and Referer headers.
 */
export async function devBootstrap(o: {
  identity: Identity;
  dataDir: string;
  baseUrl: string;
  codeTtlSeconds: number;
}): Promise<BootstrapResult> {
  const { repos, passwords, provisioning } = o.identity;
  const passwordFile = path.join(o.dataDir, 'secrets', 'initial-owner-password');
  let owner = await repos.accounts.getByEmail(BOOTSTRAP_OWNER_EMAIL);
  if (!owner && (await repos.accounts.count()) === 0) {
    const password = randomBytes(12).toString('base64url');
    fs.mkdirSync(path.dirname(passwordFile), { recursive: true, mode: 0o700 });
    fs.writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
    owner = {
      id: randomUUID(),
      email: BOOTSTRAP_OWNER_EMAIL,
      displayName: 'Owner',
      passwordHash: await passwords.hash(password),
      isAdmin: true,
      createdAt: Date.now(),
      disabledAt: null,
    };
    await repos.accounts.create(owner);
  }
  let site = (await repos.sites.list())[0];
  if (!site) {
    site = { id: randomUUID(), name: 'Home', createdAt: Date.now() };
    await repos.sites.create(site);
    if (owner) {
      await repos.grants.create({
        id: randomUUID(),
        accountId: owner.id,
        siteId: site.id,
        role: 'owner',
        deviceIds: null,
        validFrom: null,
        validUntil: null,
        createdBy: null,
        createdAt: Date.now(),
        revokedAt: null,
      });
    }
  }
  const devices = await repos.devices.list(site.id);
  const code = await provisioning.createCode({
    siteId: site.id,
    kind: 'camera',
    name: `Camera ${devices.filter((d) => d.credentialHash !== null).length + 1}`,
    createdBy: owner?.id ?? 'bootstrap',
    ttlSeconds: o.codeTtlSeconds,
  });
  let ownerPassword: string | undefined;
  try {
    ownerPassword = fs.readFileSync(passwordFile, 'utf8').trim();
  } catch {
    ownerPassword = undefined;
  }
  return {
    site,
    ownerEmail: owner?.email ?? BOOTSTRAP_OWNER_EMAIL,
    ownerPassword,
    passwordFile,
    viewerUrl: `${o.baseUrl}/`,
    cameraUrl: `${o.baseUrl}/#provision=${encodeURIComponent(code.code)}`,
    cameraCodeExpiresAt: code.expiresAt,
  };
}
