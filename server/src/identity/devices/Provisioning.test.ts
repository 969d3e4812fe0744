import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@porchlight/protocol';
import type { Store } from '../../store/createStore.ts';
import type { Account, Site } from '../../store/types.ts';
import { AccessTokens } from '../authentication/AccessTokens.ts';
import { sha256Hex } from '../authentication/crypto.ts';
import { Provisioning, type CreateCodeInput } from './Provisioning.ts';
import { fakeClock, seededFileStore, seededStore, type FakeClock } from '../testSupport.ts';

const codeInvalid = { code: ErrorCode.Unauthorized, message: 'provisioning code invalid' };
const credentialInvalid = { code: ErrorCode.Unauthorized, message: 'device credential invalid' };
const info = { userAgent: 'porchlight-cam/1.0', firmware: '1.2.3', address: '192.0.2.10' };

describe('Provisioning', () => {
  let store: Store;
  let account: Account;
  let site: Site;
  let clock: FakeClock;
  let provisioning: Provisioning;

  beforeEach(async () => {
    ({ store, account, site } = await seededStore());
    clock = fakeClock();
    provisioning = new Provisioning({ repos: store, now: clock.now });
  });
  afterEach(() => store.close());

  const createCode = (overrides: Partial<CreateCodeInput> = {}) =>
    provisioning.createCode({
      siteId: site.id,
      kind: 'doorbell',
      name: 'Front door',
      createdBy: account.id,
      ...overrides,
    });

  it('creates an unprovisioned device and a 15-minute code', async () => {
    const created = await createCode();
    expect(created.code).toMatch(/^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/);
    expect(created.expiresAt).toBe(clock.now() + 15 * 60 * 1000);
    expect(await store.devices.get(created.deviceId)).toMatchObject({
      siteId: site.id,
      kind: 'doorbell',
      name: 'Front door',
      credentialHash: null,
      credentialGeneration: 0,
      revokedAt: null,
    });
  });

  it('stores codes only as their SHA-256', async () => {
    const { code, deviceId } = await createCode();
    const codes = await store.provisioningCodes.list(site.id);
    expect(codes).toEqual([
      expect.objectContaining({ deviceId, codeHash: sha256Hex(code.replace('-', '')) }),
    ]);
    const everything = JSON.stringify({ codes, device: await store.devices.get(deviceId) });
    for (const form of [code, code.replace('-', ''), code.slice(0, 5), code.slice(6)])
      expect(everything).not.toContain(form);
  });

  it('never writes a code or a credential to the database in plaintext', async () => {
    const db = await seededFileStore();
    try {
      const p = new Provisioning({ repos: db.store, now: clock.now });
      const input = {
        siteId: db.site.id,
        kind: 'camera' as const,
        name: 'Yard',
        createdBy: db.account.id,
      };
      const pending = await p.createCode(input);
      const used = await p.createCode({ ...input, name: 'Porch' });
      const first = await p.redeem(used.code, info);
      const second = await p.rotateCredential(first.device.id);
      const dump = db.dump();
      // The dump is real: the hashes and the device ids are in it.
      expect(dump).toContain(sha256Hex(pending.code.replace('-', '')));
      expect(dump).toContain(sha256Hex(second.credential));
      expect(dump).toContain(first.device.id);
      for (const { code } of [pending, used]) {
        expect(dump).not.toContain(code);
        expect(dump).not.toContain(code.replace('-', ''));
      }
      for (const { credential } of [first, second]) {
        expect(dump).not.toContain(credential);
        expect(dump).not.toContain(credential.slice(-43));
      }
    } finally {
      await db.cleanup();
    }
  });

  it('redeems a code once, whatever its case, dashes or spaces, for a device credential', async () => {
    const { code, deviceId } = await createCode();
    const sloppy = ` ${code.slice(0, 3).toLowerCase()} ${code.slice(3).replace('-', ' - ')} `;
    const { credential, device } = await provisioning.redeem(sloppy, info);
    expect(credential).toMatch(new RegExp(`^pld_${deviceId}_[A-Za-z0-9_-]{43}$`));
    expect(device).toMatchObject({ id: deviceId, credentialGeneration: 1 });
    const stored = await store.devices.get(deviceId);
    expect(stored).toMatchObject({
      credentialHash: sha256Hex(credential),
      credentialGeneration: 1,
      userAgent: info.userAgent,
      firmware: info.firmware,
      lastAddress: info.address,
      lastSeenAt: clock.now(),
    });
    expect(JSON.stringify(stored)).not.toContain(credential.slice(-43));
    expect(await store.provisioningCodes.list(site.id)).toEqual([]);
    expect((await provisioning.authenticateDevice(credential)).id).toBe(deviceId);
  });

  it('refuses a replayed code', async () => {
    const { code } = await createCode();
    await provisioning.redeem(code, info);
    await expect(provisioning.redeem(code, info)).rejects.toMatchObject(codeInvalid);
  });

  it('lets only one of two concurrent redemptions win', async () => {
    const { code } = await createCode();
    const results = await Promise.allSettled([
      provisioning.redeem(code, info),
      provisioning.redeem(code, info),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('refuses an expired code', async () => {
    const { code } = await createCode({ ttlSeconds: 120 });
    clock.advance(120_000);
    await expect(provisioning.redeem(code, info)).rejects.toMatchObject(codeInvalid);
  });

  it('accepts a code just before it expires', async () => {
    const { code } = await createCode();
    clock.advance(15 * 60 * 1000 - 1);
    await expect(provisioning.redeem(code, info)).resolves.toBeDefined();
  });

  it('refuses unknown and malformed codes', async () => {
    await createCode();
    await expect(provisioning.redeem('ABCDE-FGHJK', info)).rejects.toMatchObject(codeInvalid);
    await expect(provisioning.redeem('nope', info)).rejects.toMatchObject(codeInvalid);
  });

  it('validates the code request', async () => {
    const badRequest = { code: ErrorCode.BadRequest };
    await expect(createCode({ ttlSeconds: 24 * 3600 + 1 })).rejects.toMatchObject(badRequest);
    await expect(createCode({ ttlSeconds: 0 })).rejects.toMatchObject(badRequest);
    await expect(createCode({ ttlSeconds: 1.5 })).rejects.toMatchObject(badRequest);
    await expect(createCode({ name: ' ' })).rejects.toMatchObject(badRequest);
    await expect(createCode({ kind: 'toaster' as 'camera' })).rejects.toMatchObject(badRequest);
    await expect(createCode({ siteId: 'no-such-site' })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    await expect(createCode({ ttlSeconds: 24 * 3600 })).resolves.toBeDefined();
    expect(await store.devices.list(site.id)).toHaveLength(1);
  });

  it('rotating a credential invalidates the old one and its tokens at once', async () => {
    const tokens = new AccessTokens({ secret: 's'.repeat(32), now: clock.now });
    const { code } = await createCode();
    const first = await provisioning.redeem(code, info);
    const oldToken = await tokens.verifyDevice((await tokens.issueDevice(first.device)).token);
    await expect(provisioning.checkDeviceToken(oldToken)).resolves.toBeDefined();

    const second = await provisioning.rotateCredential(first.device.id);
    expect(second.credential).not.toBe(first.credential);
    expect(second.device.credentialGeneration).toBe(2);
    await expect(provisioning.authenticateDevice(first.credential)).rejects.toMatchObject(
      credentialInvalid,
    );
    expect((await provisioning.authenticateDevice(second.credential)).credentialGeneration).toBe(2);
    await expect(provisioning.checkDeviceToken(oldToken)).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
    });
    const newToken = await tokens.verifyDevice((await tokens.issueDevice(second.device)).token);
    await expect(provisioning.checkDeviceToken(newToken)).resolves.toBeDefined();
  });

  it('refuses to rotate unknown, unprovisioned or revoked devices', async () => {
    const { deviceId } = await createCode();
    await expect(provisioning.rotateCredential(deviceId)).rejects.toMatchObject({
      code: ErrorCode.Conflict,
    });
    await expect(provisioning.rotateCredential('nope')).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    await provisioning.revokeDevice(deviceId);
    await expect(provisioning.rotateCredential(deviceId)).rejects.toMatchObject({
      code: ErrorCode.Conflict,
    });
  });

  it('refuses a revoked device, and a pending code of a revoked device', async () => {
    const { code } = await createCode();
    const { credential, device } = await provisioning.redeem(code, info);
    const revoked = await provisioning.revokeDevice(device.id);
    expect(revoked.revokedAt).toBe(clock.now());
    await expect(provisioning.authenticateDevice(credential)).rejects.toMatchObject(
      credentialInvalid,
    );
    expect((await provisioning.revokeDevice(device.id)).revokedAt).toBe(revoked.revokedAt);

    const pending = await createCode({ name: 'Garage' });
    await provisioning.revokeDevice(pending.deviceId);
    await expect(provisioning.redeem(pending.code, info)).rejects.toMatchObject(codeInvalid);
    await expect(provisioning.revokeDevice('nope')).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });

  it('refuses unknown, malformed and mismatched credentials', async () => {
    const { code } = await createCode();
    const { credential, device } = await provisioning.redeem(code, info);
    const other = await createCode({ name: 'Garage' });
    const swapped = credential.replace(device.id, other.deviceId);
    for (const bad of [
      swapped,
      `pld_${device.id}_${'A'.repeat(43)}`,
      credential.replace(device.id, '00000000-0000-4000-8000-000000000000'),
      credential.replace('pld_', 'plk_'),
      credential.slice(0, -1),
      '',
    ])
      await expect(provisioning.authenticateDevice(bad)).rejects.toMatchObject(credentialInvalid);
  });

  it('refuses device tokens for another site', async () => {
    const tokens = new AccessTokens({ secret: 's'.repeat(32), now: clock.now });
    const { code } = await createCode();
    const { device } = await provisioning.redeem(code, info);
    const claims = await tokens.verifyDevice(
      (await tokens.issueDevice({ ...device, siteId: 'other-site' })).token,
    );
    await expect(provisioning.checkDeviceToken(claims)).rejects.toMatchObject({
      code: ErrorCode.Unauthorized,
    });
  });

  it('purges expired codes and their never-provisioned devices', async () => {
    const soon = await createCode({ ttlSeconds: 60, name: 'Soon' });
    const later = await createCode({ ttlSeconds: 3600, name: 'Later' });
    const used = await createCode({ ttlSeconds: 60, name: 'Used' });
    const { device: provisioned } = await provisioning.redeem(used.code, info);
    clock.advance(61_000);
    expect(await provisioning.purgeExpired()).toBe(1);
    expect(await store.devices.get(soon.deviceId)).toBeNull();
    expect(await store.devices.get(later.deviceId)).not.toBeNull();
    expect(await store.devices.get(provisioned.id)).not.toBeNull();
    expect((await store.provisioningCodes.list(site.id)).map((c) => c.deviceId)).toEqual([
      later.deviceId,
    ]);
    expect(await provisioning.purgeExpired()).toBe(0);
  });
});
