import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentity, type Identity } from '../../src/identity/createIdentity.ts';
import { RateLimitedError } from '../../src/identity/authentication/RateLimitedError.ts';
import { localRateLimits, rateLimitsOf, type RateLimits } from '../../src/limits/RateLimits.ts';
import { createStore, type Store } from '../../src/store/createStore.ts';
import { accountRecord } from '../../../tests/support/records.ts';
import { startRedis, type TestRedis } from '../../../tests/support/redis.ts';

/**
 * Issue 16, finding 7: nobody can lock the owner out from their own address. Lockouts are per
 * (e-mail, address); a spray from many addresses only slows the e-mail down (capped); a browser
 * that logged in before (known device) gets in through both.
 */
const modes: [string, () => Promise<{ limits: RateLimits; close(): Promise<void> }>][] = [
  ['single box', async () => ({ limits: localRateLimits, close: async () => {} })],
  [
    'cluster (Redis)',
    async () => {
      const server: TestRedis = await startRedis();
      const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
      return {
        limits: rateLimitsOf({ redis }, `t${randomUUID().slice(0, 8)}:`),
        close: async () => {
          redis.disconnect();
          await server.stop();
        },
      };
    },
  ],
];

describe.each(modes)('login lockouts: %s', (_name, setup) => {
  let store: Store;
  let identity: Identity;
  let env: Awaited<ReturnType<typeof setup>>;
  const email = 'admin@example.com';
  const password = 'the-owners-password';
  let deviceToken: string | undefined;

  beforeAll(async () => {
    env = await setup();
    store = await createStore({ url: 'sqlite::memory:' });
    identity = createIdentity({ repos: store, secret: 'x'.repeat(48), limits: env.limits });
    const passwordHash = await identity.passwords.hash(password);
    await store.accounts.create(accountRecord({ email, passwordHash, isAdmin: true }));
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await env?.close();
  });

  const login = (ip: string, pw = password, deviceToken?: string) =>
    identity.login.login(email, pw, ip, undefined, deviceToken);
  const refused = async (p: Promise<unknown>): Promise<string> => {
    const e = await p.then(
      () => null,
      (error: unknown) => error,
    );
    if (e instanceof RateLimitedError) return 'rate-limited';
    return (e as { code?: string } | null)?.code ?? 'ok';
  };

  it("locks the attacker's address out; the owner gets in from another; a known device during a spray", async () => {
    // The owner's browser logged in before: it holds a known-device token.
    const first = await login('192.0.2.10');
    expect(typeof first.deviceToken).toBe('string');

    // One address guesses: locked out after 5 failures.
    for (let i = 0; i < 5; i++)
      expect(await refused(login('203.0.113.7', `guess-${i}`))).toBe('UNAUTHORIZED');
    expect(await refused(login('203.0.113.7', password))).toBe('rate-limited');
    // ... but only there: the owner logs in from another address without any token.
    expect(await refused(login('198.51.100.9'))).toBe('ok');

    // A spray from many addresses (one guess each) slows the e-mail down, briefly.
    for (let i = 0; i < 25; i++) await refused(login(`10.1.${i}.1`, `spray-${i}`));
    const slowed = await login('10.9.9.9').catch((e: unknown) => e);
    expect(slowed).toBeInstanceOf(RateLimitedError);
    expect((slowed as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(30);

    // The known device gets in during the spray, from any address (its token renewed).
    const known = await login('10.9.9.9', password, first.deviceToken);
    expect(known.account.email).toBe(email);
    expect(typeof known.deviceToken).toBe('string');
    deviceToken = known.deviceToken;
  });

  it('a known-device token buys its holder no extra guesses, and only for its own e-mail', async () => {
    // The renewed token of the owner's browser, from the test above.
    if (deviceToken === undefined) throw new Error('no device token');
    for (let i = 0; i < 5; i++)
      expect(await refused(login('192.0.2.30', `wrong-${i}`, deviceToken))).toBe('UNAUTHORIZED');
    expect(await refused(login('192.0.2.30', password, deviceToken))).toBe('rate-limited');
    // Another e-mail with this token is an ordinary login (the token names one e-mail).
    expect(
      await refused(identity.login.login('someone@example.com', 'x', '192.0.2.31', deviceToken)),
    ).toBe('UNAUTHORIZED');
  });
});
