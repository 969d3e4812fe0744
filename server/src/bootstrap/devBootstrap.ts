import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Identity } from '../identity/createIdentity.ts';
import type { Site } from '../store/types.ts';

export const BOOTSTRAP_OWNER_EMAIL = 'owner@porchlight.local';

export interface BootstrapResult {
  site: Site;
  ownerEmail: string;
  /**
   * The generated password, only on the start that created the owner: printed once, never again
   * (logs are often world-readable). The owner must change it at first login.
   */
  ownerPassword: string | undefined;
  /** The owner still has to replace the generated password (it is in `passwordFile`, 0600). */
  ownerPasswordPending: boolean;
  /** Holds the generated password until the owner changed it (then it is deleted). */
  passwordFile: string;
  /** Where a person logs in to watch. */
  viewerUrl: string;
  /** One-time link that turns a browser into a camera of the site. */
  cameraUrl: string;
  cameraCodeExpiresAt: number;
}

/**
 * Dev bootstrap for `npm start`: on first run, creates an owner (platform admin) with a random
 * password that must be changed at first login, kept in dataDir/secrets (0600) only until then,
 * and a first site; on every run, a fresh single-use
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
  let created: string | undefined;
  if (!owner && (await repos.accounts.count()) === 0) {
    const password = randomBytes(12).toString('base64url');
    created = password;
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
      // Finding 6: the generated password was printed; the API refuses all but the change.
      mustChangePassword: true,
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
  const ownerPasswordPending = owner?.mustChangePassword === true;
  // Changed since: the generated one is worthless now, and a copy on disk only invites reading.
  if (!ownerPasswordPending) fs.rmSync(passwordFile, { force: true });
  return {
    site,
    ownerEmail: owner?.email ?? BOOTSTRAP_OWNER_EMAIL,
    ownerPassword: created,
    ownerPasswordPending,
    passwordFile,
    viewerUrl: `${o.baseUrl}/`,
    cameraUrl: `${o.baseUrl}/#provision=${encodeURIComponent(code.code)}`,
    cameraCodeExpiresAt: code.expiresAt,
  };
}
