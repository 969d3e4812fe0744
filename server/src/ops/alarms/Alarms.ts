import { ALARM_UNITS, type NotificationMap } from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { Notice, Notifier } from '../../notify/Notifier.ts';
import type { AlarmRecord, AlarmRepository } from '../../store/repositories/AlarmRepository.ts';
import type { DeviceRepository } from '../../store/repositories/DeviceRepository.ts';
import type { SiteRepository } from '../../store/repositories/SiteRepository.ts';
import { AlarmEvaluator } from './AlarmEvaluator.ts';
import { AlarmService, alarmView } from './AlarmService.ts';
import type { AlarmAudience, AlarmSignals } from './ports.ts';
import type { LeaseHolder, Leases } from '../../cluster/Leases.ts';

const logger = createLogger('alarms');

export interface AlarmsOptions {
  repo: AlarmRepository;
  sites: Pick<SiteRepository, 'list' | 'get'>;
  devices: Pick<DeviceRepository, 'get'>;
  signals: AlarmSignals;
  audience: AlarmAudience;
  /** Every way a state change is told (sockets, Web Push; webhooks later). */
  notifiers: readonly Notifier[];
  /** How often due rules are looked for (config alarms.tickMs); 0 = never by itself (tests). */
  tickMs: number;
  /**
   * A cluster: only the holder of the `alarms` lease evaluates and notifies; another node takes
   * over within the lease time when it dies or closes. Absent (a single box): always this one.
   */
  leases?: Pick<Leases, 'hold'>;
  now?: () => number;
}

/**
 * The alarms module: rules and their states (AlarmService), the evaluator on a timer, and the
 * notices of state changes. Only changes into or out of ALARM are notified, and none while the
 * alarm is muted; every change is in the history either way.
 */
export class Alarms {
  readonly service: AlarmService;
  readonly evaluator: AlarmEvaluator;
  readonly #o: AlarmsOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #lease: LeaseHolder | undefined;
  /** This node evaluates (always on a single box; the lease holder in a cluster). */
  #evaluating: boolean;

  constructor(o: AlarmsOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#evaluating = o.leases === undefined;
    this.evaluator = new AlarmEvaluator({
      repo: o.repo,
      signals: o.signals,
      now: this.#now,
      onTransition: (before, after) => this.#transition(before, after),
    });
    this.service = new AlarmService({
      repo: o.repo,
      sites: o.sites,
      devices: o.devices,
      now: this.#now,
      forget: (id) => this.evaluator.forget(id),
    });
  }

  /**
   * Default rules for every site, then evaluation every tick. In a cluster the defaults and the
   * ticks are the lease holder's (two nodes creating defaults at once could duplicate them).
   */
  async start(): Promise<void> {
    if (this.#closed) return;
    if (!this.#o.leases) {
      await this.service.ensureAllDefaults();
      this.#startTimer();
      return;
    }
    this.#lease = this.#o.leases.hold('alarms', {
      acquired: () => {
        this.#evaluating = true;
        this.#startTimer();
        void this.tick();
      },
      lost: () => {
        this.#evaluating = false;
        this.#stopTimer();
      },
    });
  }

  /** Whether this node evaluates the rules now (the lease holder in a cluster). */
  get evaluating(): boolean {
    return this.#evaluating && !this.#closed;
  }

  #startTimer(): void {
    if (this.#o.tickMs > 0 && !this.#closed && !this.#timer) {
      this.#timer = setInterval(() => void this.tick(), this.#o.tickMs);
      this.#timer.unref();
    }
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One pass: defaults of new sites, then every due rule. Nothing on a node without the lease. */
  async tick(): Promise<void> {
    if (this.#closed || !this.#evaluating) return;
    try {
      await this.service.ensureAllDefaults();
      await this.evaluator.evaluateDue();
    } catch (error) {
      logger.warn('alarm pass failed', { error });
    }
  }

  /** Stops evaluating and gives the lease up (another node takes over at once). Idempotent. */
  close(): Promise<void> {
    this.#closed = true;
    this.#stopTimer();
    return this.#lease?.release() ?? Promise.resolve();
  }

  async #transition(before: AlarmRecord, after: AlarmRecord): Promise<void> {
    const intoOrOutOfAlarm = before.state === 'ALARM' || after.state === 'ALARM';
    if (!intoOrOutOfAlarm) return;
    const at = after.stateChangedAt;
    if (after.mutedUntil !== null && after.mutedUntil > at) return;
    const recipients = await this.#o.audience.recipients(after.siteId);
    const device = after.deviceId ? await this.#o.devices.get(after.deviceId) : null;
    const what = `${after.kind}${device ? ` (${device.name})` : ''}`;
    const unit = ALARM_UNITS[after.kind];
    const payload: NotificationMap['alarm'] = { alarm: alarmView(after), from: before.state };
    const notice: Notice = {
      topic: 'alarm',
      siteId: after.siteId,
      recipients,
      title: `${after.state === 'ALARM' ? 'Alarm' : 'Resolved'}: ${what}`,
      body: `${before.state} -> ${after.state}: ${after.reason}${
        after.value !== null
          ? ` (value ${Math.round(after.value * 100) / 100}${unit ? ` ${unit}` : ''})`
          : ''
      }`,
      // The home app (owners); admins find the alarm on the admin app's Alarms page.
      url: '/',
      at,
      alarm: payload,
    };
    await Promise.all(
      this.#o.notifiers.map(async (n) => {
        try {
          await n.notify(notice);
        } catch (error) {
          logger.warn('alarm notifier failed', { notifier: n.name, alarmId: after.id, error });
        }
      }),
    );
  }
}

/** Sockets as a Notifier: the `alarm` message to every open socket of the recipients. */
export class SocketNotifier implements Notifier {
  readonly name = 'socket';
  readonly #send: (ids: readonly string[], payload: NotificationMap['alarm']) => void;

  constructor(send: (ids: readonly string[], payload: NotificationMap['alarm']) => void) {
    this.#send = send;
  }

  notify(notice: Notice): Promise<void> {
    this.#send(notice.recipients, notice.alarm);
    return Promise.resolve();
  }
}
