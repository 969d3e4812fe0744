/**
 * The behaviour every Store implementation must have, as one suite each implementation's test file
 * runs against a fresh, empty store per test. Values must come back exactly as written.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MissingReferenceError, StoreClosedError } from '../../src/store/errors.ts';
import {
  DuplicateError,
  type Account,
  type ApiKey,
  type Device,
  type Grant,
  type NewAuditEvent,
  type ProvisioningCode,
  type RefreshToken,
  type Site,
  type Store,
} from '../../src/store/types.ts';
import type { RecordingRun, RecordingStream, SegmentRecord } from '../../src/recording/types.ts';

const T0 = 1_700_000_000_000;

function account(over: Partial<Account> = {}): Account {
  const id = randomUUID();
  return {
    id,
    email: `${id}@example.com`,
    displayName: 'Ada Lovelace',
    passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    isAdmin: false,
    createdAt: T0,
    disabledAt: null,
    ...over,
  };
}

function site(over: Partial<Site> = {}): Site {
  return { id: randomUUID(), name: 'Home', createdAt: T0, ...over };
}

function grant(accountId: string, siteId: string, over: Partial<Grant> = {}): Grant {
  return {
    id: randomUUID(),
    accountId,
    siteId,
    role: 'member',
    deviceIds: null,
    validFrom: null,
    validUntil: null,
    createdBy: null,
    createdAt: T0,
    revokedAt: null,
    ...over,
  };
}

function device(siteId: string, over: Partial<Device> = {}): Device {
  return {
    id: randomUUID(),
    siteId,
    kind: 'camera',
    name: 'Front door',
    credentialHash: null,
    credentialGeneration: 0,
    createdAt: T0,
    revokedAt: null,
    online: false,
    lastSeenAt: null,
    lastAddress: null,
    userAgent: null,
    firmware: null,
    bitrate: null,
    ...over,
  };
}

function code(siteId: string, deviceId: string, over: Partial<ProvisioningCode> = {}) {
  return {
    codeHash: randomUUID(),
    siteId,
    deviceId,
    expiresAt: T0 + 600_000,
    createdBy: 'installer',
    createdAt: T0,
    ...over,
  } satisfies ProvisioningCode;
}

function refreshToken(accountId: string, over: Partial<RefreshToken> = {}): RefreshToken {
  return {
    id: randomUUID(),
    accountId,
    familyId: randomUUID(),
    tokenHash: randomUUID(),
    expiresAt: T0 + 86_400_000,
    createdAt: T0,
    usedAt: null,
    revokedAt: null,
    ...over,
  };
}

function apiKey(accountId: string, over: Partial<ApiKey> = {}): ApiKey {
  return {
    id: randomUUID(),
    accountId,
    name: 'NVR export',
    scopes: ['stream:view-live'],
    siteId: null,
    keyHash: randomUUID(),
    createdAt: T0,
    lastUsedAt: null,
    revokedAt: null,
    ...over,
  };
}

function auditEvent(over: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    at: T0,
    actorType: 'account',
    actorId: 'someone',
    action: 'auth.login',
    resource: null,
    outcome: 'success',
    ip: '192.0.2.1',
    detail: {},
    ...over,
  };
}

const CONTROL_CHARS =
  Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('') + '\x7f\x80\x9f';

/**
 * Strings an attacker or a careless client might send. NUL is left out: PostgreSQL text cannot
 * hold it (callers must reject it). Lone surrogates are left out: they are not Unicode and
 * cannot survive UTF-8.
 */
const HOSTILE: readonly string[] = [
  "'); DROP TABLE accounts;--",
  "Robert'); DELETE FROM sites; --",
  `" OR "1"="1`,
  "' OR 1=1 --",
  "\\'; SELECT pg_sleep(10); --",
  '$1 $2 ? ?? :name @p0 %s {0}',
  '%_%\\%\\_ LIKE ESCAPE',
  '/* unterminated comment',
  'NULL',
  '',
  ' ',
  'x'.repeat(10_000),
  '😀'.repeat(5_000),
  '🔥👩‍👩‍👧‍👦🏳️‍🌈 é (e\u0301) \uFEFF zero\u200Bwidth \u{10FFFF}',
  'مرحبا بالعالم \u202E שלום \u200F \u202C',
  CONTROL_CHARS,
  '\t\r\n line\nbreaks \r\n',
  '{"json": true, "__proto__": {}}',
];

/** For indexed columns (ids, keys): PostgreSQL B-tree entries are capped at ~2.7 kB. */
function short(s: string): string {
  return Array.from(s).slice(0, 100).join('');
}

export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await store.close();
    });

    async function seedSite(): Promise<{ owner: Account; home: Site; camera: Device }> {
      const owner = account();
      const home = site();
      const camera = device(home.id);
      await store.createAccount(owner);
      await store.createSite(home);
      await store.createDevice(camera);
      return { owner, home, camera };
    }

    describe('accounts', () => {
      it('round-trips every field, including null and booleans', async () => {
        const plain = account();
        const admin = account({ isAdmin: true, disabledAt: T0 + 5, createdAt: T0 + 1 });
        await store.createAccount(plain);
        await store.createAccount(admin);
        expect(await store.getAccount(plain.id)).toStrictEqual(plain);
        expect(await store.getAccount(admin.id)).toStrictEqual(admin);
        expect(await store.getAccountByEmail(admin.email)).toStrictEqual(admin);
      });

      it('returns null for missing accounts', async () => {
        expect(await store.getAccount('nope')).toBeNull();
        expect(await store.getAccountByEmail('nope@example.com')).toBeNull();
      });

      it('rejects a duplicate e-mail or id with DuplicateError', async () => {
        const a = account();
        await store.createAccount(a);
        await expect(store.createAccount(account({ email: a.email }))).rejects.toBeInstanceOf(
          DuplicateError,
        );
        await expect(store.createAccount(account({ id: a.id }))).rejects.toBeInstanceOf(
          DuplicateError,
        );
        expect(await store.countAccounts()).toBe(1);
      });

      it('lists in creation order and counts', async () => {
        expect(await store.listAccounts()).toStrictEqual([]);
        expect(await store.countAccounts()).toBe(0);
        const later = account({ createdAt: T0 + 10 });
        const earlier = account({ createdAt: T0 });
        await store.createAccount(later);
        await store.createAccount(earlier);
        expect(await store.listAccounts()).toStrictEqual([earlier, later]);
        expect(await store.countAccounts()).toBe(2);
      });

      it('updates only the patched fields and reports whether the account exists', async () => {
        const a = account();
        await store.createAccount(a);
        expect(await store.updateAccount(a.id, { displayName: 'Ada L.', isAdmin: true })).toBe(
          true,
        );
        expect(await store.getAccount(a.id)).toStrictEqual({
          ...a,
          displayName: 'Ada L.',
          isAdmin: true,
        });
        expect(await store.updateAccount(a.id, { passwordHash: 'h2', disabledAt: T0 + 9 })).toBe(
          true,
        );
        expect(await store.updateAccount(a.id, { disabledAt: null, isAdmin: false })).toBe(true);
        expect(await store.getAccount(a.id)).toStrictEqual({
          ...a,
          displayName: 'Ada L.',
          passwordHash: 'h2',
        });
        expect(await store.updateAccount(a.id, {})).toBe(true);
        expect(await store.updateAccount('nope', { displayName: 'x' })).toBe(false);
        expect(await store.updateAccount('nope', {})).toBe(false);
      });
    });

    describe('sites', () => {
      it('creates, reads, lists, renames and deletes', async () => {
        const a = site({ createdAt: T0 + 1 });
        const b = site({ createdAt: T0 });
        await store.createSite(a);
        await store.createSite(b);
        expect(await store.getSite(a.id)).toStrictEqual(a);
        expect(await store.listSites()).toStrictEqual([b, a]);
        expect(await store.updateSite(a.id, { name: 'Cabin' })).toBe(true);
        expect(await store.getSite(a.id)).toStrictEqual({ ...a, name: 'Cabin' });
        expect(await store.updateSite('nope', { name: 'x' })).toBe(false);
        expect(await store.deleteSite(a.id)).toBe(true);
        expect(await store.deleteSite(a.id)).toBe(false);
        expect(await store.getSite(a.id)).toBeNull();
        expect(await store.listSites()).toStrictEqual([b]);
      });

      it('rejects a duplicate id with DuplicateError', async () => {
        const s = site();
        await store.createSite(s);
        await expect(store.createSite(site({ id: s.id }))).rejects.toBeInstanceOf(DuplicateError);
      });

      it('deleting a site removes its grants, devices, codes and site-scoped API keys', async () => {
        const { owner, home, camera } = await seedSite();
        const other = site();
        await store.createSite(other);
        const otherCamera = device(other.id);
        await store.createDevice(otherCamera);
        const homeGrant = grant(owner.id, home.id);
        const otherGrant = grant(owner.id, other.id);
        await store.createGrant(homeGrant);
        await store.createGrant(otherGrant);
        const homeCode = code(home.id, camera.id);
        const otherCode = code(other.id, otherCamera.id);
        await store.createProvisioningCode(homeCode);
        await store.createProvisioningCode(otherCode);
        const scopedKey = apiKey(owner.id, { siteId: home.id });
        const globalKey = apiKey(owner.id);
        await store.createApiKey(scopedKey);
        await store.createApiKey(globalKey);
        const auditId = await store.appendAudit(auditEvent({ resource: `site/${home.id}` }));

        expect(await store.deleteSite(home.id)).toBe(true);

        expect(await store.getGrant(homeGrant.id)).toBeNull();
        expect(await store.listGrantsForSite(home.id, true)).toStrictEqual([]);
        expect(await store.getDevice(camera.id)).toBeNull();
        expect(await store.listDevices(home.id)).toStrictEqual([]);
        expect(await store.listProvisioningCodes(home.id)).toStrictEqual([]);
        expect(await store.redeemProvisioningCode(homeCode.codeHash, T0)).toBeNull();
        expect(await store.getApiKey(scopedKey.id)).toBeNull();
        // Everything else survives: the account, the other site, and the audit trail.
        expect(await store.getAccount(owner.id)).toStrictEqual(owner);
        expect(await store.getApiKey(globalKey.id)).toStrictEqual(globalKey);
        expect(await store.getGrant(otherGrant.id)).toStrictEqual(otherGrant);
        expect(await store.getDevice(otherCamera.id)).toStrictEqual(otherCamera);
        expect(await store.listProvisioningCodes(other.id)).toStrictEqual([otherCode]);
        expect((await store.queryAudit({})).map((e) => e.id)).toStrictEqual([auditId]);
      });
    });

    describe('grants', () => {
      it('round-trips device lists, null device lists and time windows', async () => {
        const { owner, home, camera } = await seedSite();
        const narrow = grant(owner.id, home.id, {
          role: 'guest',
          deviceIds: [camera.id, 'another-device'],
          validFrom: T0 + 1,
          validUntil: T0 + 2,
          createdBy: owner.id,
        });
        const empty = grant(owner.id, home.id, { role: 'installer', deviceIds: [] });
        const wide = grant(owner.id, home.id, { role: 'owner' });
        for (const g of [narrow, empty, wide]) await store.createGrant(g);
        expect(await store.getGrant(narrow.id)).toStrictEqual(narrow);
        expect(await store.getGrant(empty.id)).toStrictEqual(empty);
        expect(await store.getGrant(wide.id)).toStrictEqual(wide);
        expect(await store.getGrant('nope')).toBeNull();
      });

      it('lists for account and site, revoked ones only when asked', async () => {
        const { owner, home } = await seedSite();
        const guest = account();
        await store.createAccount(guest);
        const ownerGrant = grant(owner.id, home.id, { role: 'owner', createdAt: T0 });
        const guestGrant = grant(guest.id, home.id, { role: 'guest', createdAt: T0 + 1 });
        const oldGrant = grant(guest.id, home.id, { createdAt: T0 + 2 });
        for (const g of [ownerGrant, guestGrant, oldGrant]) await store.createGrant(g);

        expect(await store.revokeGrant(oldGrant.id, T0 + 50)).toBe(true);
        const revoked = { ...oldGrant, revokedAt: T0 + 50 };

        expect(await store.listGrantsForAccount(guest.id)).toStrictEqual([guestGrant]);
        expect(await store.listGrantsForAccount(guest.id, true)).toStrictEqual([
          guestGrant,
          revoked,
        ]);
        expect(await store.listGrantsForSite(home.id)).toStrictEqual([ownerGrant, guestGrant]);
        expect(await store.listGrantsForSite(home.id, true)).toStrictEqual([
          ownerGrant,
          guestGrant,
          revoked,
        ]);
        expect(await store.listGrantsForAccount('nobody', true)).toStrictEqual([]);
      });

      it('revoking keeps the first revocation time and reports whether the grant exists', async () => {
        const { owner, home } = await seedSite();
        const g = grant(owner.id, home.id);
        await store.createGrant(g);
        expect(await store.revokeGrant(g.id, T0 + 1)).toBe(true);
        expect(await store.revokeGrant(g.id, T0 + 2)).toBe(true);
        expect((await store.getGrant(g.id))?.revokedAt).toBe(T0 + 1);
        expect(await store.revokeGrant('nope', T0)).toBe(false);
      });

      it('refuses a grant for an unknown account or site', async () => {
        const { owner, home } = await seedSite();
        await expect(store.createGrant(grant('ghost', home.id))).rejects.toBeInstanceOf(
          MissingReferenceError,
        );
        await expect(store.createGrant(grant(owner.id, 'ghost'))).rejects.toBeInstanceOf(
          MissingReferenceError,
        );
        const g = grant(owner.id, home.id);
        await store.createGrant(g);
        await expect(store.createGrant({ ...g })).rejects.toBeInstanceOf(DuplicateError);
      });
    });

    describe('devices', () => {
      it('round-trips every field and lists by site', async () => {
        const { home, camera } = await seedSite();
        const bell = device(home.id, {
          kind: 'doorbell',
          createdAt: T0 + 1,
          credentialHash: 'sha256-of-credential',
          credentialGeneration: 3,
          revokedAt: T0 + 2,
          online: true,
          lastSeenAt: T0 + 3,
          lastAddress: '2001:db8::1',
          userAgent: 'porchlight-bell/2.1',
          firmware: '2.1.0-rc.1',
          bitrate: 1_250_000.5,
        });
        await store.createDevice(bell);
        expect(await store.getDevice(bell.id)).toStrictEqual(bell);
        expect(await store.getDevice(camera.id)).toStrictEqual(camera);
        expect(await store.listDevices(home.id)).toStrictEqual([camera, bell]);
        expect(await store.listDevices('nope')).toStrictEqual([]);
        expect(await store.getDevice('nope')).toBeNull();
      });

      it('refuses a device of an unknown site', async () => {
        await expect(store.createDevice(device('ghost'))).rejects.toBeInstanceOf(
          MissingReferenceError,
        );
      });

      it('updates credentials and revocation', async () => {
        const { camera } = await seedSite();
        expect(
          await store.updateDevice(camera.id, {
            credentialHash: 'h1',
            credentialGeneration: 1,
            name: 'Back door',
          }),
        ).toBe(true);
        expect(await store.updateDevice(camera.id, { revokedAt: T0 + 7 })).toBe(true);
        expect(await store.getDevice(camera.id)).toStrictEqual({
          ...camera,
          credentialHash: 'h1',
          credentialGeneration: 1,
          name: 'Back door',
          revokedAt: T0 + 7,
        });
        expect(await store.updateDevice(camera.id, { credentialHash: null, revokedAt: null })).toBe(
          true,
        );
        expect((await store.getDevice(camera.id))?.credentialHash).toBeNull();
        expect(await store.updateDevice('nope', { name: 'x' })).toBe(false);
      });

      it('updates registry status, leaving unpatched fields alone', async () => {
        const { camera } = await seedSite();
        const status = {
          online: true,
          lastSeenAt: T0 + 5,
          lastAddress: '203.0.113.9',
          userAgent: 'cam/1.0',
          firmware: '1.2.3',
          bitrate: 2_500_000,
        };
        expect(await store.updateDeviceStatus(camera.id, status)).toBe(true);
        expect(await store.getDevice(camera.id)).toStrictEqual({ ...camera, ...status });
        expect(
          await store.updateDeviceStatus(camera.id, { online: false, lastAddress: null }),
        ).toBe(true);
        expect(await store.getDevice(camera.id)).toStrictEqual({
          ...camera,
          ...status,
          online: false,
          lastAddress: null,
        });
        expect(await store.updateDeviceStatus(camera.id, {})).toBe(true);
        expect(await store.updateDeviceStatus('nope', { online: true })).toBe(false);
        expect(await store.updateDeviceStatus('nope', {})).toBe(false);
      });

      it('deleting a device removes its provisioning codes', async () => {
        const { home, camera } = await seedSite();
        await store.createProvisioningCode(code(home.id, camera.id));
        expect(await store.deleteDevice(camera.id)).toBe(true);
        expect(await store.deleteDevice(camera.id)).toBe(false);
        expect(await store.listProvisioningCodes(home.id)).toStrictEqual([]);
        expect(await store.getSite(home.id)).not.toBeNull();
      });
    });

    describe('provisioning codes', () => {
      it('lists by site and redeems exactly once', async () => {
        const { home, camera } = await seedSite();
        const first = code(home.id, camera.id, { createdAt: T0 });
        const second = code(home.id, camera.id, { createdAt: T0 + 1 });
        await store.createProvisioningCode(first);
        await store.createProvisioningCode(second);
        expect(await store.listProvisioningCodes(home.id)).toStrictEqual([first, second]);

        expect(await store.redeemProvisioningCode(first.codeHash, T0 + 1)).toStrictEqual(first);
        expect(await store.redeemProvisioningCode(first.codeHash, T0 + 1)).toBeNull();
        expect(await store.listProvisioningCodes(home.id)).toStrictEqual([second]);
        expect(await store.redeemProvisioningCode('unknown', T0)).toBeNull();
      });

      it('lets exactly one of many concurrent redeemers win', async () => {
        const { home, camera } = await seedSite();
        const c = code(home.id, camera.id);
        await store.createProvisioningCode(c);
        const results = await Promise.all(
          Array.from({ length: 12 }, () => store.redeemProvisioningCode(c.codeHash, T0)),
        );
        expect(results.filter((r) => r !== null)).toStrictEqual([c]);
      });

      it('refuses an expired code, which stays until deleteExpiredProvisioningCodes', async () => {
        const { home, camera } = await seedSite();
        const expired = code(home.id, camera.id, { expiresAt: T0 + 10 });
        const live = code(home.id, camera.id, { expiresAt: T0 + 20, createdAt: T0 + 1 });
        await store.createProvisioningCode(expired);
        await store.createProvisioningCode(live);
        // Expiry is inclusive: at expiresAt the code is dead.
        expect(await store.redeemProvisioningCode(expired.codeHash, T0 + 10)).toBeNull();
        expect(await store.listProvisioningCodes(home.id)).toStrictEqual([expired, live]);
        expect(await store.deleteExpiredProvisioningCodes(T0 + 10)).toBe(1);
        expect(await store.deleteExpiredProvisioningCodes(T0 + 10)).toBe(0);
        expect(await store.listProvisioningCodes(home.id)).toStrictEqual([live]);
        expect(await store.redeemProvisioningCode(live.codeHash, T0 + 19)).toStrictEqual(live);
      });

      it('refuses a duplicate hash and unknown devices', async () => {
        const { home, camera } = await seedSite();
        const c = code(home.id, camera.id);
        await store.createProvisioningCode(c);
        await expect(store.createProvisioningCode({ ...c })).rejects.toBeInstanceOf(DuplicateError);
        await expect(
          store.createProvisioningCode(code(home.id, 'ghost-device')),
        ).rejects.toBeInstanceOf(MissingReferenceError);
      });
    });

    describe('refresh tokens', () => {
      it('round-trips and looks up by hash', async () => {
        const { owner } = await seedSite();
        const t = refreshToken(owner.id);
        const used = refreshToken(owner.id, { usedAt: T0 + 1, revokedAt: T0 + 2 });
        await store.createRefreshToken(t);
        await store.createRefreshToken(used);
        expect(await store.getRefreshTokenByHash(t.tokenHash)).toStrictEqual(t);
        expect(await store.getRefreshTokenByHash(used.tokenHash)).toStrictEqual(used);
        expect(await store.getRefreshTokenByHash('nope')).toBeNull();
        await expect(
          store.createRefreshToken(refreshToken(owner.id, { tokenHash: t.tokenHash })),
        ).rejects.toBeInstanceOf(DuplicateError);
      });

      it('marks a token used once: a second use is reuse', async () => {
        const { owner } = await seedSite();
        const t = refreshToken(owner.id);
        await store.createRefreshToken(t);
        expect(await store.markRefreshTokenUsed(t.id, T0 + 1)).toBe(true);
        expect(await store.markRefreshTokenUsed(t.id, T0 + 2)).toBe(false);
        expect((await store.getRefreshTokenByHash(t.tokenHash))?.usedAt).toBe(T0 + 1);
        expect(await store.markRefreshTokenUsed('nope', T0)).toBe(false);
      });

      it('lets exactly one of many concurrent rotations win', async () => {
        const { owner } = await seedSite();
        const t = refreshToken(owner.id);
        await store.createRefreshToken(t);
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => store.markRefreshTokenUsed(t.id, T0 + i)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('revokes a family, then an account; revoked tokens cannot be used', async () => {
        const { owner } = await seedSite();
        const other = account();
        await store.createAccount(other);
        const family = randomUUID();
        const a = refreshToken(owner.id, { familyId: family });
        const b = refreshToken(owner.id, { familyId: family });
        const c = refreshToken(owner.id);
        const d = refreshToken(other.id);
        for (const t of [a, b, c, d]) await store.createRefreshToken(t);

        expect(await store.revokeRefreshFamily(family, T0 + 1)).toBe(2);
        expect(await store.revokeRefreshFamily(family, T0 + 2)).toBe(0);
        expect((await store.getRefreshTokenByHash(a.tokenHash))?.revokedAt).toBe(T0 + 1);
        expect(await store.markRefreshTokenUsed(b.id, T0 + 3)).toBe(false);
        expect((await store.getRefreshTokenByHash(c.tokenHash))?.revokedAt).toBeNull();

        expect(await store.revokeRefreshTokensForAccount(owner.id, T0 + 4)).toBe(1);
        expect((await store.getRefreshTokenByHash(c.tokenHash))?.revokedAt).toBe(T0 + 4);
        expect((await store.getRefreshTokenByHash(b.tokenHash))?.revokedAt).toBe(T0 + 1);
        expect(await store.getRefreshTokenByHash(d.tokenHash)).toStrictEqual(d);
      });

      it('deletes expired tokens (expiry inclusive)', async () => {
        const { owner } = await seedSite();
        const old = refreshToken(owner.id, { expiresAt: T0 + 10 });
        const fresh = refreshToken(owner.id, { expiresAt: T0 + 11 });
        await store.createRefreshToken(old);
        await store.createRefreshToken(fresh);
        expect(await store.deleteExpiredRefreshTokens(T0 + 10)).toBe(1);
        expect(await store.getRefreshTokenByHash(old.tokenHash)).toBeNull();
        expect(await store.getRefreshTokenByHash(fresh.tokenHash)).toStrictEqual(fresh);
      });

      it('refuses a token for an unknown account', async () => {
        await expect(store.createRefreshToken(refreshToken('ghost'))).rejects.toBeInstanceOf(
          MissingReferenceError,
        );
      });
    });

    describe('API keys', () => {
      it('round-trips scopes (including none) and site scoping; looks up by id and hash', async () => {
        const { owner, home } = await seedSite();
        const scoped = apiKey(owner.id, {
          scopes: ['stream:view-live', 'recording:view'],
          siteId: home.id,
          createdAt: T0 + 1,
        });
        const none = apiKey(owner.id, { scopes: [], lastUsedAt: T0, revokedAt: T0 + 1 });
        await store.createApiKey(scoped);
        await store.createApiKey(none);
        expect(await store.getApiKey(scoped.id)).toStrictEqual(scoped);
        expect(await store.getApiKeyByHash(none.keyHash)).toStrictEqual(none);
        expect(await store.listApiKeys(owner.id)).toStrictEqual([none, scoped]);
        expect(await store.listApiKeys('nobody')).toStrictEqual([]);
        expect(await store.getApiKey('nope')).toBeNull();
        expect(await store.getApiKeyByHash('nope')).toBeNull();
        await expect(
          store.createApiKey(apiKey(owner.id, { keyHash: scoped.keyHash })),
        ).rejects.toBeInstanceOf(DuplicateError);
      });

      it('revokes (keeping the first time) and touches (never backwards)', async () => {
        const { owner } = await seedSite();
        const k = apiKey(owner.id);
        await store.createApiKey(k);

        await store.touchApiKey(k.id, T0 + 10);
        expect((await store.getApiKey(k.id))?.lastUsedAt).toBe(T0 + 10);
        await store.touchApiKey(k.id, T0 + 5);
        expect((await store.getApiKey(k.id))?.lastUsedAt).toBe(T0 + 10);
        await store.touchApiKey(k.id, T0 + 20);
        expect((await store.getApiKey(k.id))?.lastUsedAt).toBe(T0 + 20);
        await store.touchApiKey('nope', T0);

        expect(await store.revokeApiKey(k.id, T0 + 30)).toBe(true);
        expect(await store.revokeApiKey(k.id, T0 + 40)).toBe(true);
        expect(await store.getApiKey(k.id)).toStrictEqual({
          ...k,
          lastUsedAt: T0 + 20,
          revokedAt: T0 + 30,
        });
        expect(await store.revokeApiKey('nope', T0)).toBe(false);
      });
    });

    describe('TURN usage', () => {
      it('appends and queries by site, principal and time, newest first', async () => {
        const base = {
          principalKind: 'device',
          durationSeconds: 61,
          bytesReceived: 2 ** 40,
          bytesSent: 12345,
        };
        const a = await store.appendTurnUsage({
          ...base,
          at: 1000,
          principalId: 'dev-1',
          siteId: 'site-1',
        });
        const b = await store.appendTurnUsage({
          ...base,
          at: 2000,
          principalId: 'acct-1',
          siteId: 'site-1',
        });
        await store.appendTurnUsage({ ...base, at: 3000, principalId: 'acct-2', siteId: null });
        expect(b).toBeGreaterThan(a);
        const site = await store.queryTurnUsage({ siteId: 'site-1' });
        expect(site.map((u) => u.principalId)).toEqual(['acct-1', 'dev-1']);
        expect(site[1]).toEqual({
          id: a,
          ...base,
          at: 1000,
          principalId: 'dev-1',
          siteId: 'site-1',
        });
        expect((await store.queryTurnUsage({ principalId: 'acct-2' }))[0]?.siteId).toBeNull();
        expect((await store.queryTurnUsage({ since: 2000, until: 2000 })).map((u) => u.id)).toEqual(
          [b],
        );
        expect(await store.queryTurnUsage({ limit: 1 })).toHaveLength(1);
        expect(await store.queryTurnUsage({ siteId: "x' OR '1'='1" })).toEqual([]);
      });
    });

    describe('audit', () => {
      it('appends with increasing ids and round-trips JSON detail', async () => {
        const detail = {
          nested: { list: [1, 'two', null, true, false, { deep: 1.5 }] },
          big: Number.MAX_SAFE_INTEGER,
          negative: -42,
          float: 0.1 + 0.2,
          tiny: 5e-324,
          unicode: '🔥 שלום',
          empty: {},
          none: [],
        };
        const first = auditEvent({ detail });
        const second = auditEvent({
          at: T0 + 1,
          actorType: 'system',
          actorId: null,
          action: 'device.provision',
          resource: 'site/s1/device/d1',
          outcome: 'denied',
          ip: null,
        });
        const id1 = await store.appendAudit(first);
        const id2 = await store.appendAudit(second);
        expect(Number.isInteger(id1)).toBe(true);
        expect(id2).toBeGreaterThan(id1);
        expect(await store.queryAudit({})).toStrictEqual([
          { id: id2, ...second },
          { id: id1, ...first },
        ]);
      });

      it('filters by site, actor, action and time, newest first', async () => {
        const add = (over: Partial<NewAuditEvent>) => store.appendAudit(auditEvent(over));
        const e1 = await add({ at: T0, actorId: 'a1', action: 'auth.login', resource: null });
        const e2 = await add({
          at: T0 + 1,
          actorId: 'a1',
          action: 'grant.create',
          resource: 'site/S',
        });
        const e3 = await add({ at: T0 + 2, actorId: 'a2', resource: 'site/S/device/D' });
        const e4 = await add({
          at: T0 + 3,
          actorId: 'a2',
          action: 'grant.create',
          resource: 'site/S2',
        });
        const e5 = await add({ at: T0 + 4, actorId: null, resource: 'site/S-1/device/D' });
        const e6 = await add({ at: T0 + 5, actorId: 'a1', resource: 'other/site/S' });
        const e7 = await add({ at: T0 + 6, actorId: 'a1', resource: 'site/S_/x' });
        const e8 = await add({ at: T0 + 7, actorId: 'a1', resource: 'site/S/' });
        const ids = async (q: Parameters<Store['queryAudit']>[0]) =>
          (await store.queryAudit(q)).map((e) => e.id);

        expect(await ids({})).toStrictEqual([e8, e7, e6, e5, e4, e3, e2, e1]);
        expect(await ids({ siteId: 'S' })).toStrictEqual([e8, e3, e2]);
        expect(await ids({ siteId: 'S_' })).toStrictEqual([e7]);
        // Wildcards in an id are literal: neither % nor _ may widen the match.
        expect(await ids({ siteId: '%' })).toStrictEqual([]);
        expect(await ids({ siteId: '_' })).toStrictEqual([]);
        expect(await ids({ siteId: 'S-1' })).toStrictEqual([e5]);
        expect(await ids({ actorId: 'a1' })).toStrictEqual([e8, e7, e6, e2, e1]);
        expect(await ids({ action: 'grant.create' })).toStrictEqual([e4, e2]);
        expect(await ids({ since: T0 + 6 })).toStrictEqual([e8, e7]);
        expect(await ids({ until: T0 + 1 })).toStrictEqual([e2, e1]);
        expect(await ids({ since: T0 + 2, until: T0 + 3 })).toStrictEqual([e4, e3]);
        expect(await ids({ siteId: 'S', action: 'grant.create', actorId: 'a1' })).toStrictEqual([
          e2,
        ]);
        expect(await ids({ siteId: 'S', since: T0 + 2, until: T0 + 6 })).toStrictEqual([e3]);
        expect(await ids({ limit: 3 })).toStrictEqual([e8, e7, e6]);
        expect(await ids({ actorId: 'nobody' })).toStrictEqual([]);
      });

      it('pages with `before`, newest first, without gaps or overlap', async () => {
        const all: number[] = [];
        for (let i = 0; i < 10; i++) all.push(await store.appendAudit(auditEvent({ at: T0 + i })));
        const newestFirst = [...all].reverse();
        const seen: number[] = [];
        let before: number | undefined;
        for (;;) {
          const page = await store.queryAudit({
            limit: 3,
            ...(before !== undefined ? { before } : {}),
          });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          seen.push(...page.map((e) => e.id));
          before = page[page.length - 1]!.id;
        }
        expect(seen).toStrictEqual(newestFirst);
        expect(
          (await store.queryAudit({ before: all[5]!, actorId: 'someone' })).map((e) => e.id),
        ).toStrictEqual(newestFirst.slice(5));
      });

      it('returns 100 events by default and at most 1000', async () => {
        await Promise.all(
          Array.from({ length: 1001 }, (_, i) => store.appendAudit(auditEvent({ at: T0 + i }))),
        );
        expect(await store.queryAudit({})).toHaveLength(100);
        expect(await store.queryAudit({ limit: 5000 })).toHaveLength(1000);
        expect(await store.queryAudit({ limit: 1000 })).toHaveLength(1000);
      });
    });

    describe('hostile input', () => {
      it('stores and returns every string byte-exact and leaves the tables intact', async () => {
        const home = site();
        await store.createSite(home);
        const written: {
          account: Account;
          site: Site;
          device: Device;
          grant: Grant;
          key: ApiKey;
          event: NewAuditEvent & { id: number };
        }[] = [];

        for (const [i, s] of HOSTILE.entries()) {
          const a = account({
            id: `acct-${i}-${short(s)}`,
            email: `${i}-${short(s)}`,
            displayName: s,
            passwordHash: s,
          });
          const st = site({ id: `site-${i}-${short(s)}`, name: s });
          const d = device(st.id, {
            id: `dev-${i}-${short(s)}`,
            name: s,
            credentialHash: short(s),
            lastAddress: s,
            userAgent: s,
            firmware: s,
          });
          const g = grant(a.id, st.id, {
            id: `grant-${i}-${short(s)}`,
            deviceIds: [s, d.id, ''],
            createdBy: s,
          });
          const k = apiKey(a.id, {
            id: `key-${i}-${short(s)}`,
            name: s,
            scopes: [s, s],
            siteId: st.id,
            keyHash: `hash-${i}-${short(s)}`,
          });
          await store.createAccount(a);
          await store.createSite(st);
          await store.createDevice(d);
          await store.createGrant(g);
          await store.createApiKey(k);
          const e: NewAuditEvent = auditEvent({
            actorId: `actor-${i}-${short(s)}`,
            action: s,
            resource: `site/${st.id}/device/${short(s)}`,
            ip: s,
            detail: { [s]: s, list: [s], nested: { value: s } },
          });
          written.push({
            account: a,
            site: st,
            device: d,
            grant: g,
            key: k,
            event: { id: await store.appendAudit(e), ...e },
          });
        }

        for (const w of written) {
          expect(await store.getAccount(w.account.id)).toStrictEqual(w.account);
          expect(await store.getAccountByEmail(w.account.email)).toStrictEqual(w.account);
          expect(await store.getSite(w.site.id)).toStrictEqual(w.site);
          expect(await store.getDevice(w.device.id)).toStrictEqual(w.device);
          expect(await store.listDevices(w.site.id)).toStrictEqual([w.device]);
          expect(await store.getGrant(w.grant.id)).toStrictEqual(w.grant);
          expect(await store.listGrantsForAccount(w.account.id)).toStrictEqual([w.grant]);
          expect(await store.getApiKeyByHash(w.key.keyHash)).toStrictEqual(w.key);
          expect(await store.queryAudit({ actorId: w.event.actorId! })).toStrictEqual([w.event]);
          expect(await store.queryAudit({ siteId: w.site.id })).toStrictEqual([w.event]);
          expect(
            (await store.queryAudit({ action: w.event.action, limit: 1000 })).map((e) => e.id),
          ).toContain(w.event.id);
        }

        // Nothing was dropped or emptied along the way.
        expect(await store.countAccounts()).toBe(HOSTILE.length);
        expect(await store.listAccounts()).toHaveLength(HOSTILE.length);
        expect(await store.listSites()).toHaveLength(HOSTILE.length + 1);
        expect(await store.queryAudit({ limit: 1000 })).toHaveLength(HOSTILE.length);
        expect(await store.getSite(home.id)).toStrictEqual(home);
      });
    });

    describe('recording index', () => {
      const stream = (deviceId: string, siteId: string): RecordingStream => ({
        deviceId,
        siteId,
        mode: 'continuous',
        retentionMaxAgeSeconds: 86_400,
        retentionMaxBytes: null,
        preRollSeconds: 6,
        postRollSeconds: 20,
        tags: { zone: "front 'door'", note: '"; DROP TABLE recording_segments; --' },
        createdAt: T0,
        updatedAt: T0,
      });
      const run = (deviceId: string, siteId: string, id = `run_${randomUUID()}`): RecordingRun => ({
        id,
        deviceId,
        siteId,
        startedAt: T0,
        codecs: 'avc1.42e01f,opus',
        width: 640,
        height: 480,
        keyId: 'dk_1',
        storageKey: `${siteId}/${deviceId}/${id}/init.mp4`,
        bytes: 800,
        storedBytes: 850,
      });
      const segment = (
        r: RecordingRun,
        seq: number,
        over: Partial<SegmentRecord> = {},
      ): SegmentRecord => ({
        deviceId: r.deviceId,
        seq,
        runId: r.id,
        producerTime: T0 + seq * 2000,
        ingestTime: T0 + seq * 2000 + 300,
        durationMs: 2000,
        bytes: 1000 + seq,
        storedBytes: 1050 + seq,
        keyframe: seq % 2 === 0,
        tags: seq === 3 ? ['person'] : [],
        keyId: 'dk_1',
        storageKey: `${r.storageKey.replace('init.mp4', '')}${seq}.m4s`,
        ...over,
      });

      it('round-trips stream settings, upserts them and keeps the on-demand deadline', async () => {
        const { home, camera } = await seedSite();
        const s = stream(camera.id, home.id);
        await store.recordings.saveStream(s, null);
        expect(await store.recordings.getStream(camera.id)).toStrictEqual(s);
        const changed = {
          ...s,
          mode: 'event' as const,
          retentionMaxBytes: 5_000_000,
          updatedAt: T0 + 9,
        };
        await store.recordings.saveStream(changed, T0 + 60_000);
        expect(await store.recordings.getStream(camera.id)).toStrictEqual(changed);
        expect(await store.recordings.onDemandUntil(camera.id)).toBe(T0 + 60_000);
        expect(await store.recordings.listStreams(home.id)).toStrictEqual([changed]);
        expect(await store.recordings.listStreams('other-site')).toStrictEqual([]);
      });

      it('indexes segments by camera time and keeps totals, order and sequence', async () => {
        const { home, camera } = await seedSite();
        await store.recordings.saveStream(stream(camera.id, home.id), null);
        const r = run(camera.id, home.id);
        await store.recordings.insertRun(r);
        expect(await store.recordings.getRun(r.id)).toStrictEqual(r);
        const rows = [1, 2, 3, 4, 5].map((n) => segment(r, n));
        for (const row of rows) await store.recordings.insertSegment(row);
        await expect(store.recordings.insertSegment(rows[0]!)).rejects.toBeInstanceOf(
          DuplicateError,
        );
        expect(await store.recordings.getSegment(camera.id, 3)).toStrictEqual(rows[2]);
        expect(await store.recordings.lastSeq(camera.id)).toBe(5);
        // [T0+5000, T0+7000) overlaps seq 2 (4000-6000) and 3 (6000-8000).
        const hit = await store.recordings.querySegments({
          deviceId: camera.id,
          from: T0 + 5000,
          to: T0 + 7000,
          limit: 10,
        });
        expect(hit.map((x) => x.seq)).toStrictEqual([2, 3]);
        // Touching the end is not an overlap.
        const edge = await store.recordings.querySegments({
          deviceId: camera.id,
          from: T0 + 6000,
          to: T0 + 6001,
          limit: 10,
        });
        expect(edge.map((x) => x.seq)).toStrictEqual([3]);
        expect(
          (await store.recordings.latestSegments(camera.id, 2)).map((x) => x.seq),
        ).toStrictEqual([4, 5]);
        expect(
          (await store.recordings.oldestSegments(camera.id, 2)).map((x) => x.seq),
        ).toStrictEqual([1, 2]);
        expect((await store.recordings.oldestSegmentsOverall(1)).map((x) => x.seq)).toStrictEqual([
          1,
        ]);
        expect(
          (await store.recordings.segmentsIngestedBefore(camera.id, T0 + 6301, 10)).map(
            (x) => x.seq,
          ),
        ).toStrictEqual([1, 2, 3]);
        expect(await store.recordings.streamTotals(camera.id)).toStrictEqual({
          segments: 5,
          bytes: 5015,
          storedBytes: 5265,
          firstTime: T0 + 2000,
          lastTime: T0 + 12_000,
        });
        expect(await store.recordings.totalStoredBytes()).toBe(5265 + 850);
        expect(await store.recordings.deleteSegments(camera.id, [1, 2, 99])).toBe(2);
        expect((await store.recordings.allSegments(camera.id)).map((x) => x.seq)).toStrictEqual([
          3, 4, 5,
        ]);
        expect(await store.recordings.emptyRuns(camera.id)).toStrictEqual([]);
        await store.recordings.deleteSegments(camera.id, [3, 4, 5]);
        expect(await store.recordings.emptyRuns(camera.id)).toStrictEqual([r]);
        // lastSeq only sees stored rows (run ids keep storage keys unique if numbering restarts).
        expect(await store.recordings.lastSeq(camera.id)).toBe(0);
      });

      it('deleting a device removes its index (objects are then orphans for the repair pass)', async () => {
        const { home, camera } = await seedSite();
        await store.recordings.saveStream(stream(camera.id, home.id), null);
        const r = run(camera.id, home.id);
        await store.recordings.insertRun(r);
        await store.recordings.insertSegment(segment(r, 1));
        await store.deleteDevice(camera.id);
        expect(await store.recordings.getStream(camera.id)).toBeNull();
        expect(await store.recordings.getRun(r.id)).toBeNull();
        expect(await store.recordings.allSegments(camera.id)).toStrictEqual([]);
      });

      it('keeps data keys wrapped, newest active first, retirable and re-wrappable', async () => {
        const wrapped = Buffer.from([0, 1, 2, 250, 255]);
        await store.recordings.insertDataKey({
          id: 'dk_a',
          deviceId: 'd1',
          masterKeyId: 'mk1',
          wrapped,
          createdAt: T0,
          retiredAt: null,
        });
        await store.recordings.insertDataKey({
          id: 'dk_b',
          deviceId: 'd1',
          masterKeyId: 'mk1',
          wrapped,
          createdAt: T0 + 1,
          retiredAt: null,
        });
        expect((await store.recordings.activeDataKey('d1'))?.id).toBe('dk_b');
        await store.recordings.retireDataKey('dk_b', T0 + 2);
        expect((await store.recordings.activeDataKey('d1'))?.id).toBe('dk_a');
        await store.recordings.updateDataKeyWrap('dk_a', 'mk2', Buffer.from([9]));
        expect(await store.recordings.getDataKey('dk_a')).toStrictEqual({
          id: 'dk_a',
          deviceId: 'd1',
          masterKeyId: 'mk2',
          wrapped: Buffer.from([9]),
          createdAt: T0,
          retiredAt: null,
        });
        expect((await store.recordings.listDataKeys()).map((k) => k.id)).toStrictEqual([
          'dk_a',
          'dk_b',
        ]);
        expect(await store.recordings.activeDataKey('d2')).toBeNull();
      });

      it('accumulates usage per device and day', async () => {
        await store.recordings.addUsage('d1', 's1', '2026-11-24', {
          bytesIngested: 10,
          bytesServed: 1,
        });
        await store.recordings.addUsage('d1', 's1', '2026-11-24', {
          bytesIngested: 5,
          storedByteSeconds: 7,
        });
        await store.recordings.addUsage('d1', 's1', '2026-11-25', { bytesServed: 3 });
        await store.recordings.addUsage('d2', 's2', '2026-11-25', { bytesServed: 3 });
        expect(await store.recordings.queryUsage('s1', '2026-11-24', '2026-11-24')).toStrictEqual([
          {
            deviceId: 'd1',
            siteId: 's1',
            day: '2026-11-24',
            bytesIngested: 15,
            bytesServed: 1,
            storedByteSeconds: 7,
          },
        ]);
        expect(await store.recordings.queryUsage('s1', '2026-01-01', '2026-12-31')).toHaveLength(2);
      });
    });

    describe('lifecycle', () => {
      it('migrate() is idempotent and keeps data', async () => {
        const a = account();
        await store.createAccount(a);
        await store.migrate();
        await store.migrate();
        expect(await store.getAccount(a.id)).toStrictEqual(a);
        expect(['sqlite', 'postgres']).toContain(store.kind);
      });

      it('close() is idempotent, and a closed store refuses work', async () => {
        await store.close();
        await store.close();
        await expect(store.getAccount('x')).rejects.toBeInstanceOf(StoreClosedError);
        await expect(store.migrate()).rejects.toBeInstanceOf(StoreClosedError);
      });
    });
  });
}
