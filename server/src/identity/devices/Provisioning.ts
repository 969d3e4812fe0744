import { randomUUID } from 'node:crypto';
import { PorchlightError } from '../../errors.ts';
import { DuplicateError } from '../../store/errors.ts';
import type {
  Device,
  DeviceKind,
  DeviceRepository,
} from '../../store/repositories/DeviceRepository.ts';
import type {
  ProvisioningCode,
  ProvisioningCodeRepository,
} from '../../store/repositories/ProvisioningCodeRepository.ts';
import type { SiteRepository } from '../../store/repositories/SiteRepository.ts';
import type { DeviceTokenClaims } from '../authentication/AccessTokens.ts';
import { formatCredential, parseCredential } from '../authentication/credentialFormat.ts';
import { digestsEqual, randomSecret, sha256Hex } from '../authentication/crypto.ts';
import { generateCode, normalizeCode } from './provisioningCode.ts';
import { DEVICE_KINDS } from '@porchlight/protocol/vocabulary';

export const DEVICE_CREDENTIAL_PREFIX = 'pld';
const NAME_MAX_LENGTH = 64;
/** Default code lifetime: long enough to walk to the device and type it. */
export const DEFAULT_CODE_TTL_SECONDS = 15 * 60;
/** A code must not outlive a day: a forgotten code is a standing invitation. */
export const MAX_CODE_TTL_SECONDS = 24 * 3600;
const MIN_CODE_TTL_SECONDS = 60;
/** Device-reported strings are stored for display only; cap them. */
const REPORTED_MAX_LENGTH = 256;

/** The repositories provisioning reads and writes. */
export interface ProvisioningRepos {
  sites: Pick<SiteRepository, 'get' | 'list'>;
  devices: Pick<DeviceRepository, 'create' | 'get' | 'update' | 'updateStatus' | 'delete'>;
  provisioningCodes: ProvisioningCodeRepository;
}

export interface ProvisioningOptions {
  repos: ProvisioningRepos;
  /** Unix ms. Default Date.now. */
  now?: () => number;
}

export interface CreateCodeInput {
  siteId: string;
  kind: DeviceKind;
  name: string;
  /** Account id of the owner/admin creating it (authorization is the caller's job). */
  createdBy: string;
  /** Default 900 (15 min), at least 60, at most 86400 (24 h). */
  ttlSeconds?: number;
}

export interface CreatedCode {
  /** Display form `ABCDE-FGHIJ`; shown once, stored only as SHA-256. */
  code: string;
  deviceId: string;
  /** Unix ms. */
  expiresAt: number;
}

/** What the device tells about itself when redeeming (registry fields). */
export interface RedeemInfo {
  userAgent: string | null;
  firmware: string | null;
  address: string | null;
}

export interface DeviceCredential {
  /** `pld_<deviceId>_<secret>`: the device keeps it; the server keeps only its SHA-256. */
  credential: string;
  device: Device;
}

/**
 * The device lifecycle around credentials: a one-time code creates the device's place in a site,
 * the device redeems it for a long-lived credential, which can be rotated or revoked. Every
 * credential change bumps `credentialGeneration`, which device tokens carry, so tokens minted
 * for an old credential die with it (see `checkDeviceToken`).
 */
export class Provisioning {
  readonly #repos: ProvisioningRepos;
  readonly #now: () => number;

  constructor(o: ProvisioningOptions) {
    this.#repos = o.repos;
    this.#now = o.now ?? Date.now;
  }

  /** Creates the (not yet provisioned) device and its code. BAD_REQUEST / NOT_FOUND on bad input. */
  async createCode(input: CreateCodeInput): Promise<CreatedCode> {
    const ttl = input.ttlSeconds ?? DEFAULT_CODE_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < MIN_CODE_TTL_SECONDS || ttl > MAX_CODE_TTL_SECONDS)
      throw PorchlightError.badRequest(
        `ttlSeconds must be an integer from ${MIN_CODE_TTL_SECONDS} to ${MAX_CODE_TTL_SECONDS}`,
      );
    if (!DEVICE_KINDS.includes(input.kind))
      throw PorchlightError.badRequest(`device kind must be one of ${DEVICE_KINDS.join(', ')}`);
    const name = input.name.trim();
    if (name.length === 0 || name.length > NAME_MAX_LENGTH)
      throw PorchlightError.badRequest(`device name must be 1 to ${NAME_MAX_LENGTH} characters`);
    if (!(await this.#repos.sites.get(input.siteId))) throw PorchlightError.notFound('site');

    const now = this.#now();
    const device: Device = {
      id: randomUUID(),
      siteId: input.siteId,
      kind: input.kind,
      name,
      credentialHash: null,
      credentialGeneration: 0,
      createdAt: now,
      revokedAt: null,
      online: false,
      lastSeenAt: null,
      lastAddress: null,
      userAgent: null,
      firmware: null,
      bitrate: null,
    };
    await this.#repos.devices.create(device);
    const expiresAt = now + ttl * 1000;
    try {
      const code = await this.#storeFreshCode({
        siteId: input.siteId,
        deviceId: device.id,
        expiresAt,
        createdBy: input.createdBy,
        createdAt: now,
      });
      return { code, deviceId: device.id, expiresAt };
    } catch (error) {
      // No code, no way to provision: do not leave an orphan device behind.
      await this.#repos.devices.delete(device.id);
      throw error;
    }
  }

  /**
   * Consumes a code (single use; case, dashes and spaces ignored) and issues the device's first
   * credential. Throws UNAUTHORIZED 'provisioning code invalid' for unknown, used, expired or
   * malformed codes and for codes of a device revoked meanwhile.
   */
  async redeem(code: string, info: RedeemInfo): Promise<DeviceCredential> {
    const normalized = normalizeCode(code);
    const now = this.#now();
    const redeemed = normalized
      ? await this.#repos.provisioningCodes.redeem(sha256Hex(normalized), now)
      : null;
    const device = redeemed ? await this.#repos.devices.get(redeemed.deviceId) : null;
    if (!device || device.revokedAt !== null)
      throw PorchlightError.unauthorized('provisioning code invalid');
    const issued = await this.#issueCredential(device);
    await this.#repos.devices.updateStatus(device.id, {
      userAgent: cap(info.userAgent),
      firmware: cap(info.firmware),
      lastAddress: cap(info.address),
      lastSeenAt: now,
    });
    return {
      ...issued,
      device: {
        ...issued.device,
        userAgent: cap(info.userAgent),
        firmware: cap(info.firmware),
        lastAddress: cap(info.address),
        lastSeenAt: now,
      },
    };
  }

  /**
   * Replaces the credential of a provisioned device; the old one (and tokens minted with it) stop
   * working immediately. NOT_FOUND for unknown, CONFLICT for revoked or never provisioned devices.
   */
  async rotateCredential(deviceId: string): Promise<DeviceCredential> {
    const device = await this.#repos.devices.get(deviceId);
    if (!device) throw PorchlightError.notFound('device');
    if (device.revokedAt !== null) throw PorchlightError.conflict('device is revoked');
    if (device.credentialHash === null) throw PorchlightError.conflict('device is not provisioned');
    return this.#issueCredential(device);
  }

  /** Revokes a device for good (idempotent): its credential and tokens stop working. */
  async revokeDevice(deviceId: string): Promise<Device> {
    const device = await this.#repos.devices.get(deviceId);
    if (!device) throw PorchlightError.notFound('device');
    if (device.revokedAt !== null) return device;
    const patch = {
      revokedAt: this.#now(),
      credentialHash: null,
      credentialGeneration: device.credentialGeneration + 1,
    };
    await this.#repos.devices.update(deviceId, patch);
    return { ...device, ...patch };
  }

  /** The device a credential belongs to; UNAUTHORIZED 'device credential invalid' otherwise. */
  async authenticateDevice(credential: string): Promise<Device> {
    const parsed = parseCredential(DEVICE_CREDENTIAL_PREFIX, credential);
    const device = parsed ? await this.#repos.devices.get(parsed.id) : null;
    // Compare even on a miss so unknown ids and wrong secrets take the same time.
    const matches = digestsEqual(sha256Hex(String(credential)), device?.credentialHash ?? '');
    if (!device || !matches || device.revokedAt !== null || device.credentialHash === null)
      throw PorchlightError.unauthorized('device credential invalid');
    return device;
  }

  /**
   * Checks a verified device token against the store: the device still exists, is not revoked,
   * is in the token's site, and its credential has not been rotated since the token was minted.
   */
  async checkDeviceToken(claims: DeviceTokenClaims): Promise<Device> {
    const device = await this.#repos.devices.get(claims.deviceId);
    if (
      !device ||
      device.revokedAt !== null ||
      device.siteId !== claims.siteId ||
      device.credentialGeneration !== claims.generation
    )
      throw PorchlightError.unauthorized('token invalid');
    return device;
  }

  /**
   * Deletes expired codes and the devices they were created for, if those never got a
   * credential. Returns how many codes were deleted.
   */
  async purgeExpired(): Promise<number> {
    const now = this.#now();
    const expired: ProvisioningCode[] = [];
    for (const site of await this.#repos.sites.list())
      for (const code of await this.#repos.provisioningCodes.list(site.id))
        if (code.expiresAt <= now) expired.push(code);
    const deleted = await this.#repos.provisioningCodes.deleteExpired(now);
    for (const code of expired) {
      const device = await this.#repos.devices.get(code.deviceId);
      if (device && device.credentialHash === null && device.credentialGeneration === 0)
        await this.#repos.devices.delete(device.id);
    }
    return deleted;
  }

  async #issueCredential(device: Device): Promise<DeviceCredential> {
    const credential = formatCredential(DEVICE_CREDENTIAL_PREFIX, device.id, randomSecret(32));
    const patch = {
      credentialHash: sha256Hex(credential),
      credentialGeneration: device.credentialGeneration + 1,
    };
    await this.#repos.devices.update(device.id, patch);
    return { credential, device: { ...device, ...patch } };
  }

  /** Stores a new code, retrying on the (2^-50-unlikely) collision with a live one. */
  async #storeFreshCode(c: Omit<ProvisioningCode, 'codeHash'>): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const code = generateCode();
      try {
        await this.#repos.provisioningCodes.create({
          ...c,
          codeHash: sha256Hex(normalizeCode(code)!),
        });
        return code;
      } catch (error) {
        if (!(error instanceof DuplicateError) || attempt >= 2) throw error;
      }
    }
  }
}

function cap(value: string | null): string | null {
  return typeof value === 'string' ? value.slice(0, REPORTED_MAX_LENGTH) : null;
}
