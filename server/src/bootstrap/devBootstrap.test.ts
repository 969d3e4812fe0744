import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdentity } from '../identity/createIdentity.ts';
import { openStore, type Store } from '../store/createStore.ts';
import { SqliteExecutor } from '../store/executor/SqliteExecutor.ts';
import { BOOTSTRAP_OWNER_EMAIL, devBootstrap } from './devBootstrap.ts';

/** Finding 6: the generated owner password is shown once and must be changed at first login. */
describe('devBootstrap', () => {
  let store: Store | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await store?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('returns the generated password only on the start that creates the owner, who must change it', async () => {
    store = await openStore(await SqliteExecutor.create({ file: ':memory:' }));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-boot-'));
    const identity = createIdentity({ repos: store, secret: 'x'.repeat(40) });
    const boot = () =>
      devBootstrap({ identity, dataDir: dataDir!, baseUrl: 'https://h', codeTtlSeconds: 600 });

    const first = await boot();
    expect(first.ownerPassword).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(first.ownerPasswordPending).toBe(true);
    expect((fs.statSync(first.passwordFile).mode & 0o777).toString(8)).toBe('600');
    const owner = (await store.accounts.getByEmail(BOOTSTRAP_OWNER_EMAIL))!;
    expect(owner.mustChangePassword).toBe(true);

    // Every later start: no password to print, only where it is while the change is pending.
    const second = await boot();
    expect(second.ownerPassword).toBeUndefined();
    expect(second.ownerPasswordPending).toBe(true);

    await identity.login.changePassword(owner.id, first.ownerPassword!, 'the owner chose this');
    const third = await boot();
    expect(third.ownerPassword).toBeUndefined();
    expect(third.ownerPasswordPending).toBe(false);
    // The generated password is worthless now; its copy on disk is gone.
    expect(fs.existsSync(first.passwordFile)).toBe(false);
  });
});
