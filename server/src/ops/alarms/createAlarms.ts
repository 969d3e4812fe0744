import type { NotificationMap } from '@porchlight/protocol';
import type { Config } from '../../config/schema.ts';
import type { RoomRegistry } from '../../media/RoomRegistry.ts';
import type { WorkerPool } from '../../media/WorkerPool.ts';
import type { Notify } from '../../notify/createNotify.ts';
import type { Notifier } from '../../notify/Notifier.ts';
import type { Recording } from '../../recording/createRecording.ts';
import type { Store } from '../../store/createStore.ts';
import type { TurnService } from '../../turn/TurnService.ts';
import { Alarms, SocketNotifier } from './Alarms.ts';
import type { Leases } from '../../cluster/Leases.ts';
import { OwnersAndAdmins } from './Audience.ts';
import { EventCounter } from './EventCounter.ts';
import { RecordingWatch } from './RecordingWatch.ts';
import { ServerSignals } from './ServerSignals.ts';
import { StreamWatch } from './StreamWatch.ts';

/** Worker deaths are counted over an hour; the others over at most a day's period. */
const KEEP_MS = 86_400_000;

export interface CreateAlarmsOptions {
  config: Config;
  store: Store;
  pool: Pick<WorkerPool, 'on'>;
  rooms: RoomRegistry;
  recording: Recording;
  turn: TurnService | undefined;
  notify: Notify;
  /** The `alarm` socket message to these accounts' sockets. */
  toAccounts: (ids: readonly string[], payload: NotificationMap['alarm']) => void;
  /** More ways to tell of state changes (the webhook module's notifier). */
  notifiers?: readonly Notifier[];
  /** A cluster's leases: one node evaluates (see AlarmsOptions.leases). Absent: a single box. */
  leases?: Pick<Leases, 'hold'>;
  now?: () => number;
}

/** Wires the alarm signals to the server's components (typed events and live state). */
export function createAlarms(o: CreateAlarmsOptions): Alarms {
  const now = o.now ?? Date.now;
  const workerDeaths = new EventCounter({ keepMs: KEEP_MS });
  const databaseErrors = new EventCounter({ keepMs: KEEP_MS });
  const pushFailures = new EventCounter({ keepMs: KEEP_MS });
  o.pool.on('workerDied', () => workerDeaths.record(now()));
  o.store.queryErrors.on('queryError', () => databaseErrors.record(now()));
  o.notify.sender.on('sent', (outcome) => {
    if (outcome.kind === 'failed' || outcome.kind === 'throttled') pushFailures.record(now());
  });
  const { service } = o.recording;
  const signals = new ServerSignals({
    devices: o.store.devices,
    streams: new StreamWatch(o.rooms, now),
    recordings: o.config.recording.enabled ? new RecordingWatch(service, now) : null,
    storage: {
      totalStoredBytes: () => service.index.totalStoredBytes(),
      capacity: () => service.vault.storage.capacity(),
      quotaBytes: o.config.recording.maxTotalBytes,
    },
    workerDeaths,
    turnHealthy: () => (o.turn ? o.turn.supervisor.healthy : null),
    databaseErrors,
    pushFailures,
  });
  return new Alarms({
    repo: o.store.alarms,
    sites: o.store.sites,
    devices: o.store.devices,
    signals,
    audience: new OwnersAndAdmins({ grants: o.store.grants, accounts: o.store.accounts, now }),
    notifiers: [new SocketNotifier(o.toAccounts), o.notify.alarms, ...(o.notifiers ?? [])],
    tickMs: o.config.alarms.enabled ? o.config.alarms.tickMs : 0,
    ...(o.leases ? { leases: o.leases } : {}),
    now,
  });
}
