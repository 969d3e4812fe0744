import type { CallView } from '@porchlight/protocol';
import type { EnhancedEventEmitter } from '@porchlight/runtime';
import type { CallServiceEvents } from '../doorbell/ports.ts';
import type { EventServiceEvents } from '../detection/EventService.ts';
import type { IdentityEventMap } from '../identity/IdentityEvents.ts';
import type { RecordingServiceEvents } from '../recording/RecordingService.ts';
import type { Device } from '../store/repositories/DeviceRepository.ts';
import type { Notice, Notifier } from '../notify/Notifier.ts';
import type { WebhookService } from './WebhookService.ts';

/** The domain event sources webhooks listen to (each optional: a server without one sends none). */
export interface WebhookSources {
  calls?: Pick<EnhancedEventEmitter<CallServiceEvents>, 'on'>;
  detections?: Pick<EnhancedEventEmitter<EventServiceEvents>, 'on'>;
  identity?: Pick<EnhancedEventEmitter<IdentityEventMap>, 'on'>;
  recordings?: Pick<EnhancedEventEmitter<RecordingServiceEvents>, 'on'>;
  /** A device's site (recording events carry only the device id). */
  deviceSite?: (deviceId: string) => Promise<string | null>;
  now?: () => number;
}

const callData = (c: CallView) => ({
  callId: c.callId,
  doorId: c.doorId,
  doorName: c.doorName,
  via: c.via,
  startedAt: c.startedAt,
});

/**
 * Turns domain events into webhook events (no domain module knows about webhooks): calls ring,
 * are answered or missed; a person event starts; a device's online flag flips (the registry
 * emits every status change, bitrate included, so the last flag per device is remembered); a
 * recording run ends (`recording.ready`); and the recording of an ended person event is written
 * (`clip.ready`: the run that covered it ended, or no run was going when it ended).
 */
export function connectWebhookSources(service: WebhookService, s: WebhookSources): void {
  const now = s.now ?? Date.now;
  s.calls?.on('ringing', (c) => void service.emit(c.siteId, 'ring', callData(c), c.startedAt));
  s.calls?.on('answered', (c, by) => {
    const answeredAt = c.answeredAt ?? now();
    void service.emit(
      c.siteId,
      'call.answered',
      { ...callData(c), answeredAt, answeredBy: by.accountId },
      answeredAt,
    );
  });
  s.calls?.on('ended', (c) => {
    if (c.outcome !== 'missed') return;
    const endedAt = c.endedAt ?? now();
    void service.emit(c.siteId, 'call.missed', { ...callData(c), endedAt }, endedAt);
  });

  s.detections?.on('started', (e) => {
    if (e.label !== 'person') return;
    void service.emit(
      e.siteId,
      'person.detected',
      {
        eventId: e.id,
        deviceId: e.deviceId,
        label: e.label,
        startedAt: e.startedAt,
        score: e.maxScore,
        zones: e.zones,
      },
      e.startedAt,
    );
  });

  const online = new Map<string, boolean>();
  s.identity?.on('deviceStatus', (d: Device) => {
    const was = online.get(d.id);
    online.set(d.id, d.online);
    if (was === d.online || (was === undefined && !d.online)) return;
    const at = d.lastSeenAt ?? now();
    const data = { deviceId: d.id, name: d.name, kind: d.kind, at };
    void service.emit(d.siteId, d.online ? 'device.online' : 'device.offline', data, at);
  });

  // Runs in progress and person events waiting for their recording, per device.
  const runs = new Map<string, { deviceId: string; from: number }>();
  const waiting = new Map<string, { eventId: string; from: number; to: number }[]>();
  s.recordings?.on('runStarted', ({ runId, deviceId }) =>
    runs.set(runId, { deviceId, from: now() }),
  );
  s.recordings?.on('runStopped', ({ deviceId, runId }) => {
    const from = runs.get(runId)?.from;
    runs.delete(runId);
    const to = now();
    const events = waiting.get(deviceId) ?? [];
    waiting.delete(deviceId);
    void (async () => {
      const siteId = await s.deviceSite?.(deviceId);
      if (!siteId) return;
      if (from !== undefined)
        await service.emit(siteId, 'recording.ready', { deviceId, runId, from, to }, to);
      for (const e of events)
        await service.emit(
          siteId,
          'clip.ready',
          { deviceId, eventId: e.eventId, from: e.from, to: e.to },
          to,
        );
    })();
  });
  s.detections?.on('ended', (e) => {
    if (e.label !== 'person') return;
    const clip = { eventId: e.id, from: e.startedAt, to: e.endedAt ?? now() };
    // The event's recording runs on (post-roll): the clip is ready when that run ends.
    const recording = [...runs.values()].some((r) => r.deviceId === e.deviceId);
    if (recording) waiting.set(e.deviceId, [...(waiting.get(e.deviceId) ?? []), clip].slice(-20));
    else void service.emit(e.siteId, 'clip.ready', { deviceId: e.deviceId, ...clip }, clip.to);
  });
}

/**
 * Alarm state changes as webhooks: the alarms module tells its `Notifier`s (sockets, Web Push,
 * this) of every change it notifies.
 */
export class WebhookNotifier implements Notifier {
  readonly name = 'webhooks';
  readonly #service: Pick<WebhookService, 'emit'>;

  constructor(service: Pick<WebhookService, 'emit'>) {
    this.#service = service;
  }

  async notify(notice: Notice): Promise<void> {
    const { alarm, from } = notice.alarm;
    await this.#service.emit(
      notice.siteId,
      'alarm.state_changed',
      {
        alarmId: alarm.id,
        kind: alarm.kind,
        deviceId: alarm.deviceId,
        from,
        to: alarm.state,
        reason: alarm.reason,
        value: alarm.value,
        at: notice.at,
      },
      notice.at,
    );
  }
}
