import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@porchlight/protocol';
import type { Store } from '../../store/createStore.ts';
import type { Account } from '../../store/types.ts';
import { sha256Hex } from './crypto.ts';
import { RefreshTokens } from './RefreshTokens.ts';
import {
  addAccount,
  fakeClock,
  seededFileStore,
  seededStore,
  type FakeClock,
} from '../testSupport.ts';

const invalid = { code: ErrorCode.Unauthorized, message: 'token invalid' };

describe('RefreshTokens', () => {
  let store: Store;
  let account: Account;
  let clock: FakeClock;
  let tokens: RefreshTokens;

  beforeEach(async () => {
    ({ store, account } = await seededStore());
    clock = fakeClock();
    tokens = new RefreshTokens({ sessions: store.sessions, now: clock.now });
  });
  afterEach(() => store.close());

  it('issues opaque plr_ tokens stored only as SHA-256, valid 30 days', async () => {
    const issued = await tokens.issue(account.id);
    expect(issued.token).toMatch(/^plr_[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt).toBe(clock.now() + 30 * 24 * 3600 * 1000);
    const record = await store.sessions.getByHash(sha256Hex(issued.token));
    expect(record).toMatchObject({ id: issued.id, accountId: account.id, usedAt: null });
    expect(JSON.stringify(record)).not.toContain(issued.token.slice(4));
  });

  it('never writes a token to the database in plaintext', async () => {
    const db = await seededFileStore();
    try {
      const t = new RefreshTokens({ sessions: db.store.sessions, now: clock.now });
      const first = await t.issue(db.account.id);
      const second = await t.rotate(first.token);
      const dump = db.dump();
      expect(dump).toContain(sha256Hex(second.token));
      for (const { token } of [first, second]) expect(dump).not.toContain(token.slice(4));
    } finally {
      await db.cleanup();
    }
  });

  it('rotates into a new token of the same family', async () => {
    const first = await tokens.issue(account.id);
    const second = await tokens.rotate(first.token);
    expect(second.token).not.toBe(first.token);
    expect(second.familyId).toBe(first.familyId);
    expect(second.accountId).toBe(account.id);
    expect((await store.sessions.getByHash(sha256Hex(first.token)))?.usedAt).toBe(clock.now());
    const third = await tokens.rotate(second.token);
    expect(third.familyId).toBe(first.familyId);
  });

  it('revokes the whole family when a rotated token is presented again', async () => {
    const first = await tokens.issue(account.id);
    const otherSession = await tokens.issue(account.id);
    const second = await tokens.rotate(first.token);
    await expect(tokens.rotate(first.token)).rejects.toMatchObject(invalid);
    // The legitimate successor dies with it: whoever holds it must log in again.
    await expect(tokens.rotate(second.token)).rejects.toMatchObject(invalid);
    expect((await store.sessions.getByHash(sha256Hex(second.token)))?.revokedAt).not.toBeNull();
    // Other sessions of the account are untouched.
    await expect(tokens.rotate(otherSession.token)).resolves.toBeDefined();
  });

  it('lets only one of two concurrent rotations win, and treats the other as reuse', async () => {
    const first = await tokens.issue(account.id);
    const results = await Promise.allSettled([
      tokens.rotate(first.token),
      tokens.rotate(first.token),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const winner = (won[0] as PromiseFulfilledResult<{ token: string }>).value;
    await expect(tokens.rotate(winner.token)).rejects.toMatchObject(invalid);
  });

  it('refuses expired tokens', async () => {
    const first = await tokens.issue(account.id);
    clock.advance(30 * 24 * 3600 * 1000);
    await expect(tokens.rotate(first.token)).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
      message: 'token expired',
    });
  });

  it('refuses unknown and malformed tokens', async () => {
    await expect(tokens.rotate('plr_' + 'A'.repeat(43))).rejects.toMatchObject(invalid);
    await expect(tokens.rotate('garbage')).rejects.toMatchObject(invalid);
    await expect(tokens.rotate('')).rejects.toMatchObject(invalid);
  });

  it('revoke ends one session; revokeAll ends every session of the account', async () => {
    const a = await tokens.issue(account.id);
    const b = await tokens.issue(account.id);
    const c = await tokens.issue(account.id);
    const stranger = await addAccount(store, 'other@example.com', 'scrypt$unused');
    const theirs = await tokens.issue(stranger.id);

    expect(await tokens.revoke(a.token)).toBe(account.id);
    expect(await tokens.revoke('plr_' + 'B'.repeat(43))).toBeNull();
    await expect(tokens.rotate(a.token)).rejects.toMatchObject(invalid);
    const b2 = await tokens.rotate(b.token);

    expect(await tokens.revokeAll(account.id)).toBeGreaterThanOrEqual(2);
    await expect(tokens.rotate(b2.token)).rejects.toMatchObject(invalid);
    await expect(tokens.rotate(c.token)).rejects.toMatchObject(invalid);
    await expect(tokens.rotate(theirs.token)).resolves.toBeDefined();
  });

  it('purges expired tokens', async () => {
    const short = new RefreshTokens({ sessions: store.sessions, now: clock.now, ttlSeconds: 60 });
    await short.issue(account.id);
    await short.issue(account.id);
    const kept = await tokens.issue(account.id);
    clock.advance(61_000);
    expect(await tokens.purgeExpired()).toBe(2);
    await expect(tokens.rotate(kept.token)).resolves.toBeDefined();
  });
});
