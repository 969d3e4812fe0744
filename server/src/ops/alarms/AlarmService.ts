import { randomUUID } from 'node:crypto';
import {
  ALARM_DEFAULTS,
  ALARM_KINDS,
  ALARM_LIMITS,
  type AlarmHistoryPage,
  type AlarmView,
  type CreateAlarmRule,
  type UpdateAlarmRule,
} from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import type {
  AlarmHistoryRecord,
  AlarmRecord,
  AlarmRepository,
} from '../../store/repositories/AlarmRepository.ts';
import type { DeviceRepository } from '../../store/repositories/DeviceRepository.ts';
import type { SiteRepository } from '../../store/repositories/SiteRepository.ts';

/** A record as the API shows it. */
export function alarmView(r: AlarmRecord): AlarmView {
  const { createdAt: _c, updatedAt: _u, ...view } = r;
  return view;
}

function entryView(e: AlarmHistoryRecord): AlarmHistoryPage['entries'][number] {
  return e;
}

export interface AlarmServiceOptions {
  repo: AlarmRepository;
  sites: Pick<SiteRepository, 'list' | 'get'>;
  devices: Pick<DeviceRepository, 'get'>;
  now: () => number;
  /** A rule changed or went: its datapoints start afresh. */
  forget: (alarmId: string) => void;
}

/**
 * Alarm rules of a site and what people do with them: default rules per site (made once, so a
 * deleted default stays deleted), create / change / delete with validation the schema cannot do
 * (the device belongs to the site), history, acknowledge, mute and unmute (both in the history).
 */
export class AlarmService {
  readonly #o: AlarmServiceOptions;
  /** Sites known to have had their defaults claimed (saves a write per site per pass). */
  readonly #seeded = new Set<string>();

  constructor(o: AlarmServiceOptions) {
    this.#o = o;
  }

  /** Makes the default rules of every site that has none yet (start-up and each pass). */
  async ensureAllDefaults(): Promise<void> {
    for (const site of await this.#o.sites.list()) await this.ensureDefaults(site.id);
  }

  /** One rule per kind for the site, the first time only. Idempotent, safe across processes. */
  async ensureDefaults(siteId: string): Promise<void> {
    if (this.#seeded.has(siteId)) return;
    // An admin may name any site id: an unknown one is NOT_FOUND, not a FOREIGN KEY failure.
    if (!(await this.#o.sites.get(siteId))) throw PorchlightError.notFound('site');
    const now = this.#o.now();
    if (await this.#o.repo.claimDefaults(siteId, now)) {
      for (const kind of ALARM_KINDS)
        await this.#o.repo.create(this.#record(siteId, { kind }, true, now));
    }
    this.#seeded.add(siteId);
  }

  async list(siteId: string): Promise<AlarmView[]> {
    await this.ensureDefaults(siteId);
    return (await this.#o.repo.listForSite(siteId)).map(alarmView);
  }

  async create(siteId: string, input: CreateAlarmRule): Promise<AlarmView> {
    await this.ensureDefaults(siteId);
    const existing = await this.#o.repo.listForSite(siteId);
    if (existing.length >= ALARM_LIMITS.rulesPerSite)
      throw PorchlightError.conflict(`a site has at most ${ALARM_LIMITS.rulesPerSite} alarm rules`);
    if (input.deviceId) {
      const device = await this.#o.devices.get(input.deviceId);
      if (!device || device.siteId !== siteId) throw PorchlightError.notFound('device');
    }
    const defaults = ALARM_DEFAULTS[input.kind];
    const m = input.datapointsToAlarm ?? defaults.datapointsToAlarm;
    const n = input.evaluationPeriods ?? Math.max(m, defaults.evaluationPeriods);
    if (m > n)
      throw PorchlightError.badRequest('datapointsToAlarm must not exceed evaluationPeriods');
    const record = this.#record(
      siteId,
      { ...input, datapointsToAlarm: m, evaluationPeriods: n },
      false,
      this.#o.now(),
    );
    await this.#o.repo.create(record);
    return alarmView(record);
  }

  async update(siteId: string, alarmId: string, patch: UpdateAlarmRule): Promise<AlarmView> {
    const current = await this.#get(siteId, alarmId);
    const m = patch.datapointsToAlarm ?? current.datapointsToAlarm;
    const n = patch.evaluationPeriods ?? current.evaluationPeriods;
    if (m > n)
      throw PorchlightError.badRequest('datapointsToAlarm must not exceed evaluationPeriods');
    if (current.kind === 'storage-quota' && (patch.threshold ?? 0) > 100)
      throw PorchlightError.badRequest('a percentage is at most 100');
    // A new version of the rule: strictly later, so the evaluator starts a fresh window.
    const updatedAt = Math.max(this.#o.now(), current.updatedAt + 1);
    const changes = {
      ...(patch.threshold !== undefined ? { threshold: patch.threshold } : {}),
      ...(patch.periodSeconds !== undefined ? { periodSeconds: patch.periodSeconds } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      datapointsToAlarm: m,
      evaluationPeriods: n,
      updatedAt,
    };
    await this.#o.repo.updateRule(alarmId, changes);
    this.#o.forget(alarmId);
    return alarmView({ ...current, ...changes });
  }

  async delete(siteId: string, alarmId: string): Promise<void> {
    await this.#get(siteId, alarmId);
    await this.#o.repo.delete(alarmId);
    this.#o.forget(alarmId);
  }

  async history(
    siteId: string,
    q: { alarmId?: string | undefined; before?: number | undefined; limit: number },
  ): Promise<AlarmHistoryPage> {
    const rows = await this.#o.repo.history({ siteId, ...q, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { entries: page.map(entryView), next: rows.length > q.limit && last ? last.id : null };
  }

  async acknowledge(siteId: string, alarmId: string, accountId: string): Promise<AlarmView> {
    const current = await this.#get(siteId, alarmId);
    const at = this.#o.now();
    await this.#o.repo.updateState(alarmId, { acknowledgedAt: at, acknowledgedBy: accountId });
    await this.#log(current, 'acknowledged', at, accountId, `acknowledged in ${current.state}`);
    return alarmView({ ...current, acknowledgedAt: at, acknowledgedBy: accountId });
  }

  async mute(
    siteId: string,
    alarmId: string,
    until: number,
    accountId: string,
  ): Promise<AlarmView> {
    const current = await this.#get(siteId, alarmId);
    const at = this.#o.now();
    if (until <= at) throw PorchlightError.badRequest('until must be in the future');
    await this.#o.repo.updateState(alarmId, { mutedUntil: until });
    await this.#log(
      current,
      'muted',
      at,
      accountId,
      `muted until ${new Date(until).toISOString()}`,
    );
    return alarmView({ ...current, mutedUntil: until });
  }

  async unmute(siteId: string, alarmId: string, accountId: string): Promise<AlarmView> {
    const current = await this.#get(siteId, alarmId);
    await this.#o.repo.updateState(alarmId, { mutedUntil: null });
    await this.#log(current, 'unmuted', this.#o.now(), accountId, 'unmuted');
    return alarmView({ ...current, mutedUntil: null });
  }

  async #get(siteId: string, alarmId: string): Promise<AlarmRecord> {
    const r = await this.#o.repo.get(alarmId);
    // Another site's alarm is as unknown as a missing one.
    if (!r || r.siteId !== siteId) throw PorchlightError.notFound('alarm');
    return r;
  }

  async #log(
    r: AlarmRecord,
    type: 'acknowledged' | 'muted' | 'unmuted',
    at: number,
    actor: string,
    reason: string,
  ): Promise<void> {
    await this.#o.repo.appendHistory({
      alarmId: r.id,
      siteId: r.siteId,
      kind: r.kind,
      deviceId: r.deviceId,
      at,
      type,
      from: null,
      to: null,
      value: null,
      reason,
      actor,
    });
  }

  #record(siteId: string, input: CreateAlarmRule, isDefault: boolean, now: number): AlarmRecord {
    const d = ALARM_DEFAULTS[input.kind];
    return {
      id: randomUUID(),
      siteId,
      kind: input.kind,
      deviceId: input.deviceId ?? null,
      threshold: input.threshold ?? d.threshold,
      periodSeconds: input.periodSeconds ?? d.periodSeconds,
      datapointsToAlarm: input.datapointsToAlarm ?? d.datapointsToAlarm,
      evaluationPeriods: input.evaluationPeriods ?? d.evaluationPeriods,
      enabled: input.enabled ?? true,
      isDefault,
      createdAt: now,
      updatedAt: now,
      state: 'INSUFFICIENT_DATA',
      reason: 'not evaluated yet',
      value: null,
      stateChangedAt: now,
      evaluatedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      mutedUntil: null,
    };
  }
}
