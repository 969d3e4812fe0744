import type { AlarmState } from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { AlarmRecord, AlarmRepository } from '../../store/repositories/AlarmRepository.ts';
import { decide } from './datapoints.ts';
import type { AlarmSignals } from './ports.ts';

const logger = createLogger('alarms');

interface Window {
  /** The rule version the datapoints belong to (a changed rule starts a new window). */
  version: number;
  values: (number | null)[];
  lastAt: number;
  /** The last state decided (and notified), whether or not the store took it. */
  state?: AlarmState | undefined;
}

export interface AlarmEvaluatorOptions {
  repo: Pick<AlarmRepository, 'listEnabled' | 'updateState' | 'appendHistory' | 'get'>;
  signals: AlarmSignals;
  now: () => number;
  /** Called with the rule before and after each state change (already stored). */
  onTransition: (before: AlarmRecord, after: AlarmRecord) => Promise<void>;
}

/**
 * Takes one datapoint per rule and evaluation period through the AlarmSignals port, keeps the
 * last N in memory (they restart empty with the server or when a rule changes), decides the
 * state (datapoints.ts) and stores it; a change also goes to the history and to `onTransition`.
 * `evaluateDue` is driven by the caller's timer or, in tests, by hand on an injected clock.
 */
export class AlarmEvaluator {
  readonly #o: AlarmEvaluatorOptions;
  readonly #windows = new Map<string, Window>();
  #running: Promise<void> | undefined;

  constructor(o: AlarmEvaluatorOptions) {
    this.#o = o;
  }

  /** Evaluates every enabled rule whose period has passed; overlapping calls share one pass. */
  evaluateDue(): Promise<void> {
    this.#running ??= this.#pass().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Forgets a rule's datapoints (deleted or changed). */
  forget(alarmId: string): void {
    this.#windows.delete(alarmId);
  }

  async #pass(): Promise<void> {
    const rules = await this.#o.repo.listEnabled();
    const live = new Set(rules.map((r) => r.id));
    for (const id of this.#windows.keys()) if (!live.has(id)) this.#windows.delete(id);
    for (const rule of rules) {
      const now = this.#o.now();
      const w = this.#windows.get(rule.id);
      if (w && w.version === rule.updatedAt && now - w.lastAt < rule.periodSeconds * 1000) continue;
      try {
        await this.#evaluate(rule, w?.version === rule.updatedAt ? w : undefined, now);
      } catch (error) {
        logger.warn('alarm evaluation failed', { alarmId: rule.id, kind: rule.kind, error });
      }
    }
  }

  async #evaluate(rule: AlarmRecord, previous: Window | undefined, now: number): Promise<void> {
    const from = previous?.lastAt ?? now - rule.periodSeconds * 1000;
    const value = await this.#o.signals.sample(
      rule.kind,
      { siteId: rule.siteId, deviceId: rule.deviceId },
      { from, now },
    );
    const values = [...(previous?.values ?? []), value].slice(-rule.evaluationPeriods);
    const window: Window = { version: rule.updatedAt, values, lastAt: now, state: previous?.state };
    this.#windows.set(rule.id, window);
    const d = decide(rule, values);
    // Re-read: an acknowledgement or mute may have landed since the list was taken.
    const stored = (await this.#o.repo.get(rule.id)) ?? rule;
    // What people were last told; differs from the stored state while the store refuses writes.
    const known = window.state ?? stored.state;
    if (d.state === known) {
      if (stored.state !== d.state) await this.#store(stored, d.state, d.reason, value, now);
      else await this.#o.repo.updateState(rule.id, { value, evaluatedAt: now, reason: d.reason });
      return;
    }
    window.state = d.state;
    const before: AlarmRecord = { ...stored, state: known };
    const after: AlarmRecord = {
      ...stored,
      state: d.state,
      reason: d.reason,
      value,
      stateChangedAt: now,
      evaluatedAt: now,
      acknowledgedAt: null,
      acknowledgedBy: null,
    };
    logger.info('alarm state changed', {
      alarmId: rule.id,
      siteId: rule.siteId,
      kind: rule.kind,
      from: known,
      to: d.state,
      value,
    });
    try {
      await this.#store(before, d.state, d.reason, value, now);
    } catch (error) {
      // Told anyway (a database-errors alarm must not wait for the database); stored once the
      // store takes writes again (the catch-up above).
      logger.warn('alarm state change not stored yet', { alarmId: rule.id, error });
    }
    await this.#o.onTransition(before, after);
  }

  /** The state change and its history row. */
  async #store(
    before: AlarmRecord,
    state: AlarmRecord['state'],
    reason: string,
    value: number | null,
    now: number,
  ): Promise<void> {
    await this.#o.repo.updateState(before.id, {
      state,
      reason,
      value,
      stateChangedAt: now,
      evaluatedAt: now,
      acknowledgedAt: null,
      acknowledgedBy: null,
    });
    await this.#o.repo.appendHistory({
      alarmId: before.id,
      siteId: before.siteId,
      kind: before.kind,
      deviceId: before.deviceId,
      at: now,
      type: 'state',
      from: before.state,
      to: state,
      value,
      reason,
      actor: null,
    });
  }
}
