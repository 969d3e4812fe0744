import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import type { Store } from '../../store/createStore.ts';
import type { Account } from '../../store/types.ts';
import { AccessTokens } from './AccessTokens.ts';
import { LoginRateLimiter } from './LoginRateLimiter.ts';
import { LoginService } from './LoginService.ts';
import { PasswordHasher } from './passwords.ts';
import { RateLimitedError } from './RateLimitedError.ts';
import { RefreshTokens } from './RefreshTokens.ts';
import { addAccount, fakeClock, seededStore, type FakeClock } from '../testSupport.ts';

// Cheap parameters keep the suite fast; the logic does not depend on the cost.
const passwords = new PasswordHasher({ N: 2 ** 10 });
const password = 'correct horse battery staple';
const ip = '198.51.100.7';
const badCredentials = { code: ErrorCode.Unauthorized, message: 'invalid email or password' };

describe('LoginService', () => {
  let store: Store;
  let account: Account;
  let clock: FakeClock;
  let accessTokens: AccessTokens;
  let login: LoginService;

  beforeEach(async () => {
    ({ store, account } = await seededStore(await passwords.hash(password)));
    clock = fakeClock();
    accessTokens = new AccessTokens({ secret: 's'.repeat(32), now: clock.now });
    login = new LoginService({
      accounts: store.accounts,
      passwords,
      accessTokens,
      refreshTokens: new RefreshTokens({ sessions: store.sessions, now: clock.now }),
      accountLimiter: new LoginRateLimiter({ now: clock.now }),
      ipLimiter: new LoginRateLimiter({ now: clock.now, maxFailures: 20 }),
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    return store.close();
  });

  it('logs in with e-mail and password, returning tokens and the account without its hash', async () => {
    const session = await login.login(' Owner@Example.COM ', password, ip);
    expect(session.account).toEqual({
      id: account.id,
      email: account.email,
      displayName: account.displayName,
      isAdmin: false,
      createdAt: account.createdAt,
      disabledAt: null,
      mustChangePassword: false,
    });
    expect(session.account).not.toHaveProperty('passwordHash');
    expect(session.refreshToken).toMatch(/^plr_/);
    expect(session.accessTokenExpiresAt).toBe(clock.now() + 600_000);
    expect((await accessTokens.verifyAccount(session.accessToken)).accountId).toBe(account.id);
  });

  it('refuses a wrong password and an unknown e-mail with the same message', async () => {
    await expect(login.login(account.email, 'wrong password!', ip)).rejects.toMatchObject(
      badCredentials,
    );
    await expect(login.login('nobody@example.com', password, ip)).rejects.toMatchObject(
      badCredentials,
    );
  });

  it('spends a password verification on unknown e-mails too', async () => {
    const verify = vi.spyOn(passwords, 'verify');
    await expect(login.login('nobody@example.com', password, ip)).rejects.toThrow();
    expect(verify).toHaveBeenCalledTimes(1);
    const [tried, against] = verify.mock.calls[0]!;
    expect(tried).toBe(password);
    expect(against).toMatch(/^scrypt\$1024\$8\$1\$/);
  });

  it('refuses a disabled account (only once the password is right)', async () => {
    await store.accounts.update(account.id, { disabledAt: clock.now() });
    await expect(login.login(account.email, password, ip)).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
      message: 'account disabled',
    });
    await expect(login.login(account.email, 'wrong password!', ip)).rejects.toMatchObject(
      badCredentials,
    );
  });

  it('locks an account out after 5 failures and reports retryAfter', async () => {
    for (let i = 0; i < 5; i++)
      await expect(login.login(account.email, 'wrong password!', ip)).rejects.toMatchObject(
        badCredentials,
      );
    const verify = vi.spyOn(passwords, 'verify');
    const locked = await login.login(account.email, password, ip).catch((e: unknown) => e);
    expect(locked).toBeInstanceOf(RateLimitedError);
    expect(locked).toBeInstanceOf(PorchlightError);
    expect(locked).toMatchObject({ code: ErrorCode.RateLimited, retryAfterSeconds: 60 });
    expect((locked as RateLimitedError).httpStatus).toBe(429);
    expect(verify).not.toHaveBeenCalled(); // refused before any work

    clock.advance(30_000);
    await expect(login.login(account.email, password, ip)).rejects.toMatchObject({
      retryAfterSeconds: 30,
    });
    clock.advance(30_000);
    // Lock over: one more failure locks again, for twice as long.
    await expect(login.login(account.email, 'wrong password!', ip)).rejects.toMatchObject(
      badCredentials,
    );
    await expect(login.login(account.email, password, ip)).rejects.toMatchObject({
      retryAfterSeconds: 120,
    });
    clock.advance(120_000);
    await expect(login.login(account.email, password, ip)).resolves.toBeDefined();
    // Success forgave the account: a single failure no longer locks.
    await expect(login.login(account.email, 'wrong password!', ip)).rejects.toMatchObject(
      badCredentials,
    );
    await expect(login.login(account.email, password, ip)).resolves.toBeDefined();
  });

  it('locks unknown e-mails the same way, so lockouts do not reveal accounts', async () => {
    for (let i = 0; i < 5; i++)
      await expect(login.login('nobody@example.com', password, ip)).rejects.toMatchObject(
        badCredentials,
      );
    await expect(login.login('nobody@example.com', password, ip)).rejects.toBeInstanceOf(
      RateLimitedError,
    );
  });

  it('locks an address that fails across many accounts, not other addresses', async () => {
    for (let i = 0; i < 20; i++)
      await expect(login.login(`user${i}@example.com`, password, ip)).rejects.toMatchObject(
        badCredentials,
      );
    await expect(login.login(account.email, password, ip)).rejects.toMatchObject({
      code: ErrorCode.RateLimited,
      retryAfterSeconds: 60,
    });
    await expect(login.login(account.email, password, '198.51.100.8')).resolves.toBeDefined();
  });

  it('upgrades a hash made with old parameters after a successful login', async () => {
    const legacy = await addAccount(
      store,
      'legacy@example.com',
      await new PasswordHasher({ N: 2 ** 9 }).hash(password),
    );
    await login.login(legacy.email, password, ip);
    const upgraded = (await store.accounts.get(legacy.id))!.passwordHash;
    expect(upgraded).toMatch(/^scrypt\$1024\$/);
    expect(await passwords.verify(password, upgraded)).toBe(true);
  });

  it('refresh rotates the pair; reusing the old refresh token kills the session', async () => {
    const first = await login.login(account.email, password, ip);
    const second = await login.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await accessTokens.verifyAccount(second.accessToken)).accountId).toBe(account.id);
    await expect(login.refresh(first.refreshToken)).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
    });
    await expect(login.refresh(second.refreshToken)).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
    });
  });

  it('refresh refuses a disabled account and ends all its sessions', async () => {
    const a = await login.login(account.email, password, ip);
    const b = await login.login(account.email, password, ip);
    await store.accounts.update(account.id, { disabledAt: clock.now() });
    await expect(login.refresh(a.refreshToken)).rejects.toMatchObject({
      message: 'account disabled',
    });
    await store.accounts.update(account.id, { disabledAt: null });
    await expect(login.refresh(b.refreshToken)).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
    });
  });

  it('logout ends the session and tolerates unknown tokens', async () => {
    const session = await login.login(account.email, password, ip);
    // The account comes back: its live sockets are re-checked.
    expect(await login.logout(session.refreshToken)).toBe(account.id);
    await expect(login.refresh(session.refreshToken)).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
    });
    await expect(login.logout('garbage')).resolves.toBeNull();
  });
});
