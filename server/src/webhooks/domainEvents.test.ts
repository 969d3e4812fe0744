import { describe, expect, it } from 'vitest';
import { EnhancedEventEmitter } from '@porchlight/runtime';
import type { AlarmView, CallView } from '@porchlight/protocol';
import type { CallServiceEvents } from '../doorbell/ports.ts';
import type { EventServiceEvents } from '../detection/EventService.ts';
import type { EventRow } from '../detection/DetectionRepository.ts';
import type { IdentityEventMap } from '../identity/IdentityEvents.ts';
import type { RecordingServiceEvents } from '../recording/RecordingService.ts';
import type { Device } from '../store/repositories/DeviceRepository.ts';
import { connectWebhookSources, WebhookNotifier } from './domainEvents.ts';
import type { WebhookService } from './WebhookService.ts';

type Emitted = { siteId: string; type: string; data: Record<string, unknown>; createdAt?: number };

function world() {
  const emitted: Emitted[] = [];
  const service = {
    emit: async (
      siteId: string,
      type: string,
      data: Record<string, unknown>,
      createdAt?: number,
    ) => {
      emitted.push({ siteId, type, data, ...(createdAt !== undefined ? { createdAt } : {}) });
    },
  } as unknown as WebhookService;
  const calls = new EnhancedEventEmitter<CallServiceEvents>();
  const detections = new EnhancedEventEmitter<EventServiceEvents>();
  const identity = new EnhancedEventEmitter<IdentityEventMap>();
  const recordings = new EnhancedEventEmitter<RecordingServiceEvents>();
  let now = 5_000;
  connectWebhookSources(service, {
    calls,
    detections,
    identity,
    recordings,
    deviceSite: async () => 'site-1',
    now: () => now,
  });
  const flush = () => new Promise((r) => setImmediate(r));
  return {
    emitted,
    calls,
    detections,
    identity,
    recordings,
    flush,
    tick: (ms: number) => (now += ms),
    service,
  };
}

const call = (o: Partial<CallView> = {}): CallView => ({
  callId: 'c1',
  siteId: 'site-1',
  doorId: 'door-1',
  doorName: 'Front door',
  state: 'ringing',
  outcome: null,
  startedAt: 1_000,
  ringWindowMs: 30_000,
  answeredAt: null,
  endedAt: null,
  answeredBy: null,
  snapshotUrl: '/doorbell/snap?token=secret-token',
  via: 'link',
  quickReplies: [],
  canUnlock: false,
  ...o,
});

const event = (o: Partial<EventRow> = {}): EventRow => ({
  id: 'ev1',
  siteId: 'site-1',
  deviceId: 'cam-1',
  label: 'person',
  startedAt: 2_000,
  endedAt: null,
  maxScore: 0.9,
  zones: ['Porch'],
  track: [],
  detector: { backend: 'wasm', model: 'centernet', msPerFrame: 40 },
  snapshotRef: null,
  updatedAt: 2_000,
  ...o,
});

const device = (online: boolean, bitrate: number | null = null): Device => ({
  id: 'cam-1',
  siteId: 'site-1',
  kind: 'camera',
  name: 'Porch',
  credentialHash: 'hash',
  credentialGeneration: 1,
  createdAt: 0,
  revokedAt: null,
  online,
  lastSeenAt: 3_000,
  lastAddress: '10.0.0.5',
  userAgent: null,
  firmware: null,
  bitrate,
});

describe('domain events -> webhook events', () => {
  it('rings, answers and missed calls, without the signed snapshot URL', async () => {
    const w = world();
    w.calls.emit('ringing', call(), ['a1']);
    w.calls.emit(
      'answered',
      call({ answeredAt: 4_000 }),
      { accountId: 'a1', name: 'Ann', deviceLabel: 'Pixel' },
      ['a1'],
    );
    w.calls.emit('ended', call({ outcome: 'answered', endedAt: 9_000 }), ['a1']);
    w.calls.emit('ended', call({ callId: 'c2', outcome: 'missed', endedAt: 31_000 }), ['a1']);
    await w.flush();
    expect(w.emitted.map((e) => e.type)).toEqual(['ring', 'call.answered', 'call.missed']);
    expect(w.emitted[1]!.data).toMatchObject({ answeredBy: 'a1', answeredAt: 4_000 });
    expect(w.emitted[2]!.data).toMatchObject({ callId: 'c2', endedAt: 31_000 });
    expect(JSON.stringify(w.emitted)).not.toContain('secret-token');
  });

  it('person events start once; other labels do not', async () => {
    const w = world();
    w.detections.emit('started', event());
    w.detections.emit('updated', event({ maxScore: 0.95 }));
    w.detections.emit('started', event({ id: 'ev2', label: 'car' as EventRow['label'] }));
    await w.flush();
    expect(w.emitted).toEqual([
      {
        siteId: 'site-1',
        type: 'person.detected',
        data: {
          eventId: 'ev1',
          deviceId: 'cam-1',
          label: 'person',
          startedAt: 2_000,
          score: 0.9,
          zones: ['Porch'],
        },
        createdAt: 2_000,
      },
    ]);
  });

  it('online/offline on transitions only (bitrate reports are status changes too)', async () => {
    const w = world();
    w.identity.emit('deviceStatus', device(false)); // first sight, offline: nothing to say
    w.identity.emit('deviceStatus', device(true));
    w.identity.emit('deviceStatus', device(true, 800_000));
    w.identity.emit('deviceStatus', device(true, 900_000));
    w.identity.emit('deviceStatus', device(false));
    await w.flush();
    expect(w.emitted.map((e) => e.type)).toEqual(['device.online', 'device.offline']);
    expect(JSON.stringify(w.emitted)).not.toContain('10.0.0.5');
  });

  it('recording.ready when a run ends; clip.ready for a person event once its run is written', async () => {
    const w = world();
    w.recordings.emit('runStarted', { deviceId: 'cam-1', siteId: 'site-1', runId: 'r1' });
    w.tick(10_000);
    w.detections.emit('ended', event({ endedAt: 12_000 }));
    await w.flush();
    expect(w.emitted).toEqual([]); // the run (post-roll) is still going
    w.tick(5_000);
    w.recordings.emit('runStopped', { deviceId: 'cam-1', runId: 'r1' });
    await w.flush();
    await w.flush();
    expect(w.emitted.map((e) => [e.type, e.data])).toEqual([
      ['recording.ready', { deviceId: 'cam-1', runId: 'r1', from: 5_000, to: 20_000 }],
      ['clip.ready', { deviceId: 'cam-1', eventId: 'ev1', from: 2_000, to: 12_000 }],
    ]);
    // No run going: the clip is ready when the event ends.
    w.detections.emit('ended', event({ id: 'ev3', endedAt: 25_000 }));
    await w.flush();
    expect(w.emitted.at(-1)).toMatchObject({ type: 'clip.ready', data: { eventId: 'ev3' } });
  });

  it('alarm state changes through the Notifier interface', async () => {
    const w = world();
    const alarm = {
      id: 'al1',
      kind: 'stream-down',
      deviceId: 'cam-1',
      state: 'ALARM',
      reason: 'down for 300 s',
      value: 300,
    } as AlarmView;
    await new WebhookNotifier(w.service).notify({
      topic: 'alarm',
      siteId: 'site-1',
      recipients: ['a1'],
      title: 'Porch: ALARM',
      body: 'down',
      url: '/alarms',
      at: 7_000,
      alarm: { alarm, from: 'OK' },
    });
    expect(w.emitted).toEqual([
      {
        siteId: 'site-1',
        type: 'alarm.state_changed',
        data: {
          alarmId: 'al1',
          kind: 'stream-down',
          deviceId: 'cam-1',
          from: 'OK',
          to: 'ALARM',
          reason: 'down for 300 s',
          value: 300,
          at: 7_000,
        },
        createdAt: 7_000,
      },
    ]);
  });
});
