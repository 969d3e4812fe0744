import { randomBytes, randomUUID } from 'node:crypto';
import type { Door, DoorTokenInfo, UpdateDoor } from '@porchlight/protocol';
import type { z } from 'zod';
import type { UpdateDoorSchema } from '@porchlight/protocol';
import { PorchlightError } from '../errors.ts';
import type { SecretBox } from '../secrets.ts';
import type { Device, DeviceRepository } from '../store/repositories/DeviceRepository.ts';
import type {
  DoorPatch,
  DoorRepository,
  DoorSettings,
  DoorTokenRecord,
} from '../store/repositories/DoorRepository.ts';
import { dndActive, isTimeZone } from './dnd.ts';
import type { DoorTokens } from './DoorTokens.ts';

/** A doorbell device with its door settings. */
export interface DoorRecord {
  device: Device;
  settings: DoorSettings;
}

export interface DoorServiceOptions {
  doors: DoorRepository;
  devices: Pick<DeviceRepository, 'get' | 'list'>;
  tokens: DoorTokens;
  /** Seals unlock webhook keys at rest (context: the door id). */
  secrets: SecretBox;
  /** Origin of the apps, for visitor links. */
  publicUrl: () => string;
  now: () => number;
  /** Ring window of a door nobody configured yet (seconds). */
  defaultRingWindowSeconds: number;
}

type UpdateDoorInput = z.output<typeof UpdateDoorSchema>;

/**
 * Doors and their tokens. A door is a device of kind doorbell; its settings row is created with
 * defaults the first time anyone looks. Door tokens are checked against the store on every use.
 */
export class DoorService {
  readonly #o: DoorServiceOptions;

  constructor(o: DoorServiceOptions) {
    this.#o = o;
  }

  /** NOT_FOUND unless `doorId` is a live doorbell of `siteId`. */
  async get(siteId: string, doorId: string): Promise<DoorRecord> {
    const device = await this.#o.devices.get(doorId);
    if (
      !device ||
      device.siteId !== siteId ||
      device.kind !== 'doorbell' ||
      device.revokedAt !== null
    )
      throw PorchlightError.notFound('door');
    return { device, settings: await this.#settings(device) };
  }

  async list(siteId: string): Promise<DoorRecord[]> {
    const devices = (await this.#o.devices.list(siteId)).filter(
      (d) => d.kind === 'doorbell' && d.revokedAt === null,
    );
    return Promise.all(
      devices.map(async (device) => ({ device, settings: await this.#settings(device) })),
    );
  }

  view(d: DoorRecord): Door {
    const s = d.settings;
    return {
      id: d.device.id,
      siteId: d.device.siteId,
      displayName: displayName(d),
      deviceName: d.device.name,
      online: d.device.online,
      dnd: { enabled: s.dndEnabled, schedule: s.dndSchedule, timeZone: s.dndTimeZone },
      dndActive: dndActive(s, this.#o.now()),
      ringWindowSeconds: s.ringWindowSeconds,
      quickReplies: s.quickReplies,
      unlock: { configured: s.unlockUrl !== null, url: s.unlockUrl },
      updatedAt: s.updatedAt,
    };
  }

  async update(siteId: string, doorId: string, body: UpdateDoorInput): Promise<DoorRecord> {
    await this.get(siteId, doorId);
    if (body.dnd && !isTimeZone(body.dnd.timeZone))
      throw PorchlightError.badRequest(
        `body.dnd.timeZone: unknown time zone "${body.dnd.timeZone}"`,
      );
    const patch: DoorPatch = { updatedAt: this.#o.now() };
    if (body.displayName !== undefined) patch.displayName = body.displayName;
    if (body.ringWindowSeconds !== undefined) patch.ringWindowSeconds = body.ringWindowSeconds;
    if (body.quickReplies !== undefined) patch.quickReplies = body.quickReplies;
    if (body.dnd !== undefined) {
      patch.dndEnabled = body.dnd.enabled;
      patch.dndSchedule = body.dnd.schedule;
      patch.dndTimeZone = body.dnd.timeZone;
    }
    await this.#o.doors.update(doorId, patch);
    if (body.unlock !== undefined) await this.#setUnlock(doorId, body.unlock);
    return this.get(siteId, doorId);
  }

  async listTokens(d: DoorRecord): Promise<DoorTokenInfo[]> {
    const rows = await this.#o.doors.listValidTokens(d.device.id, d.settings.tokenGeneration);
    return Promise.all(rows.map((r) => this.#tokenInfo(d, r)));
  }

  async createToken(d: DoorRecord, label: string | undefined): Promise<DoorTokenInfo> {
    const row: DoorTokenRecord = {
      id: randomUUID(),
      doorId: d.device.id,
      generation: d.settings.tokenGeneration,
      label: label ?? 'Door link',
      createdAt: this.#o.now(),
      revokedAt: null,
    };
    await this.#o.doors.createToken(row);
    return this.#tokenInfo(d, row);
  }

  /** Every older token stops at once; returns a fresh one. */
  async rotateTokens(d: DoorRecord, label: string | undefined): Promise<DoorTokenInfo> {
    const generation = await this.#o.doors.bumpGeneration(d.device.id, this.#o.now());
    return this.createToken(
      { ...d, settings: { ...d.settings, tokenGeneration: generation } },
      label,
    );
  }

  async revokeToken(d: DoorRecord, tokenId: string): Promise<void> {
    const row = await this.#o.doors.getToken(tokenId);
    if (!row || row.doorId !== d.device.id) throw PorchlightError.notFound('door token');
    await this.#o.doors.revokeToken(tokenId, this.#o.now());
  }

  /** The door behind a visitor's token, or UNAUTHORIZED 'door link invalid' / 'door link revoked'. */
  async resolveToken(token: string): Promise<DoorRecord> {
    const claims = await this.#o.tokens.verify(token);
    const row = await this.#o.doors.getToken(claims.tokenId);
    const device = await this.#o.devices.get(claims.doorId);
    if (!row || !device || row.doorId !== claims.doorId || device.siteId !== claims.siteId)
      throw PorchlightError.unauthorized('door link invalid');
    if (device.kind !== 'doorbell' || device.revokedAt !== null)
      throw PorchlightError.unauthorized('door link revoked');
    const settings = await this.#settings(device);
    if (
      row.revokedAt !== null ||
      row.generation !== claims.generation ||
      claims.generation !== settings.tokenGeneration
    )
      throw PorchlightError.unauthorized('door link revoked');
    return { device, settings };
  }

  /** The unlock webhook's URL and secret, or null when none is configured. */
  unlockTarget(d: DoorRecord): { url: string; secret: string } | null {
    const { unlockUrl, unlockSecret } = d.settings;
    return unlockUrl !== null && unlockSecret !== null
      ? { url: unlockUrl, secret: this.#o.secrets.open(unlockSecret, d.device.id) }
      : null;
  }

  /**
   * Sets the webhook URL. A door without a webhook, or `rotateSecret`, gets a fresh key, returned
   * here only (it is stored sealed and never read back); otherwise the key stays and `secret` is
   * null.
   */
  async configureUnlock(
    siteId: string,
    doorId: string,
    body: { url: string; rotateSecret: boolean },
  ): Promise<{ door: DoorRecord; secret: string | null }> {
    const d = await this.get(siteId, doorId);
    const fresh = body.rotateSecret || this.unlockTarget(d) === null;
    const secret = fresh ? randomBytes(32).toString('base64url') : null;
    await this.#o.doors.update(doorId, {
      unlockUrl: body.url,
      ...(secret !== null ? { unlockSecret: this.#o.secrets.seal(secret, doorId) } : {}),
      updatedAt: this.#o.now(),
    });
    return { door: await this.get(siteId, doorId), secret };
  }

  async #setUnlock(doorId: string, unlock: UpdateDoor['unlock']): Promise<void> {
    await this.#o.doors.update(doorId, {
      unlockUrl: unlock ? unlock.url : null,
      unlockSecret: unlock ? this.#o.secrets.seal(unlock.secret, doorId) : null,
    });
  }

  async #tokenInfo(d: DoorRecord, row: DoorTokenRecord): Promise<DoorTokenInfo> {
    const token = await this.#o.tokens.sign({
      doorId: d.device.id,
      siteId: d.device.siteId,
      tokenId: row.id,
      generation: row.generation,
    });
    return {
      id: row.id,
      doorId: row.doorId,
      label: row.label,
      createdAt: row.createdAt,
      token,
      url: `${this.#o.publicUrl()}/door/${token}`,
    };
  }

  async #settings(device: Device): Promise<DoorSettings> {
    const existing = await this.#o.doors.get(device.id);
    if (existing) return existing;
    await this.#o.doors.ensure({
      deviceId: device.id,
      siteId: device.siteId,
      displayName: null,
      dndEnabled: false,
      dndSchedule: [],
      dndTimeZone: 'UTC',
      ringWindowSeconds: this.#o.defaultRingWindowSeconds,
      quickReplies: ['I will be right there.', 'Please leave the parcel at the door.'],
      unlockUrl: null,
      unlockSecret: null,
      tokenGeneration: 0,
      updatedAt: this.#o.now(),
    });
    return (await this.#o.doors.get(device.id))!;
  }
}

/** What visitors see: the household's chosen name, else the device's. */
export function displayName(d: DoorRecord): string {
  return d.settings.displayName ?? d.device.name;
}
