/**
 * Builders and hostile inputs shared by the store contract parts, and the scope each part runs in
 * (a fresh, empty store per test, made by the implementation's test file).
 */
import { randomUUID } from 'node:crypto';
import { deviceRecord } from '../../../../tests/support/records.ts';
import type {
  Account,
  ApiKey,
  Device,
  Grant,
  NewAuditEvent,
  ProvisioningCode,
  RefreshToken,
  Site,
} from '../../../src/store/types.ts';
import type { Store } from '../../../src/store/createStore.ts';

/** The store under test; `store` is only valid inside a test (a fresh one each time). */
export interface ContractScope {
  readonly store: Store;
}

/** An owner, a site and a camera of that site. */
export async function seedSite(
  store: Store,
): Promise<{ owner: Account; home: Site; camera: Device }> {
  const owner = account();
  const home = site();
  const camera = device(home.id);
  await store.accounts.create(owner);
  await store.sites.create(home);
  await store.devices.create(camera);
  return { owner, home, camera };
}

export const T0 = 1_700_000_000_000;

export function account(over: Partial<Account> = {}): Account {
  const id = randomUUID();
  return {
    id,
    email: `${id}@example.com`,
    displayName: 'Ada Lovelace',
    passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    isAdmin: false,
    createdAt: T0,
    disabledAt: null,
    tokenGeneration: 0,
    mustChangePassword: false,
    ...over,
  };
}

export function site(over: Partial<Site> = {}): Site {
  return { id: randomUUID(), name: 'Home', createdAt: T0, ...over };
}

export function grant(accountId: string, siteId: string, over: Partial<Grant> = {}): Grant {
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

export function device(siteId: string, over: Partial<Device> = {}): Device {
  return deviceRecord(siteId, { name: 'Front door', createdAt: T0, ...over });
}

export function code(siteId: string, deviceId: string, over: Partial<ProvisioningCode> = {}) {
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

export function refreshToken(accountId: string, over: Partial<RefreshToken> = {}): RefreshToken {
  return {
    id: randomUUID(),
    accountId,
    familyId: randomUUID(),
    tokenHash: randomUUID(),
    expiresAt: T0 + 86_400_000,
    createdAt: T0,
    usedAt: null,
    revokedAt: null,
    sessionCreatedAt: T0,
    userAgent: 'Mozilla/5.0 (contract test)',
    ip: '192.0.2.7',
    ...over,
  };
}

export function apiKey(accountId: string, over: Partial<ApiKey> = {}): ApiKey {
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

export function auditEvent(over: Partial<NewAuditEvent> = {}): NewAuditEvent {
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

export const CONTROL_CHARS =
  Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('') + '\x7f\x80\x9f';

/**
 * Strings an attacker or a careless client might send. NUL is left out: PostgreSQL text cannot
 * hold it (callers must reject it). Lone surrogates are left out: they are not Unicode and
 * cannot survive UTF-8.
 */
export const HOSTILE: readonly string[] = [
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
export function short(s: string): string {
  return Array.from(s).slice(0, 100).join('');
}
