import path from 'node:path';
import { DEFAULT_DETECTION_SETTINGS } from '@porchlight/protocol';
import { PorchlightError } from '../errors.ts';
import type { HttpApp } from '../http/HttpServer.ts';
import type { Authorizer } from '../identity/authorization/Authorizer.ts';
import type { SqlExecutor } from '../store/executor/SqlExecutor.ts';
import type { DeviceRepository } from '../store/repositories/DeviceRepository.ts';
import type { GrantRepository } from '../store/repositories/GrantRepository.ts';
import type { Device } from '../store/types.ts';
import { DetectionRepository } from './DetectionRepository.ts';
import { DetectionSettingsService } from './DetectionSettingsService.ts';
import { EventAnnouncer } from './EventAnnouncer.ts';
import { EventAudience } from './EventAudience.ts';
import { EventRetention } from './EventRetention.ts';
import { EventService, type EventServiceOptions } from './EventService.ts';
import { EventSnapshots } from './EventSnapshots.ts';
import { EventViews } from './EventViews.ts';
import { DetectorHosting, type DetectorHostingOptions } from './host/DetectorHosting.ts';
import type { DetectionNotifier, DetectionPushPort, EventRecordingPort } from './ports.ts';

export interface DetectionOptions {
  db: SqlExecutor;
  devices: Pick<DeviceRepository, 'get'>;
  grants: Pick<GrantRepository, 'listForSite'>;
  authorizer: Authorizer;
  secret: string;
  dataDir: string;
  publicUrl: () => string;
  recording: EventRecordingPort;
  notifier: DetectionNotifier;
  push: DetectionPushPort;
  now?: () => number;
  /** Limits and timings of the event service (defaults: EVENT_SERVICE_DEFAULTS). */
  limits?: Omit<EventServiceOptions, 'repo' | 'snapshots' | 'recording' | 'now'>;
  /** Whether cameras nobody configured detect (config detection.enabledByDefault). Default true. */
  enabledByDefault?: boolean;
  /** Events of cameras without a recording age limit. Default DEFAULT_EVENT_RETENTION_DAYS. */
  defaultRetentionDays?: number;
  /** Detection on the server (the detector host); absent: cameras detect themselves only. */
  host?: Pick<DetectorHostingOptions, 'config' | 'listen' | 'principalChanged' | 'host'>;
}

/**
 * The person-detection module on the server: events (store, recording trigger, notifications,
 * snapshots, retention) and per-camera settings. The composition root wires its recording port,
 * sockets and Web Push; the REST API reaches it through `DetectionPort` (api/ApiContext.ts).
 */
export class Detection {
  readonly repo: DetectionRepository;
  readonly events: EventService;
  readonly settings: DetectionSettingsService;
  readonly views: EventViews;
  readonly snapshots: EventSnapshots;
  readonly retention: EventRetention;
  /** Detection on the server; null when not configured. */
  readonly hosting: DetectorHosting | null;
  readonly #devices: Pick<DeviceRepository, 'get'>;

  constructor(o: DetectionOptions) {
    const now = o.now ?? Date.now;
    this.#devices = o.devices;
    this.repo = new DetectionRepository(o.db);
    this.snapshots = new EventSnapshots({
      dir: path.join(o.dataDir, 'detection', 'snapshots'),
      secret: o.secret,
      now,
    });
    this.events = new EventService({
      ...o.limits,
      repo: this.repo,
      snapshots: this.snapshots,
      recording: o.recording,
      now,
    });
    this.settings = new DetectionSettingsService({
      repo: this.repo,
      now,
      defaults: { ...DEFAULT_DETECTION_SETTINGS, enabled: o.enabledByDefault ?? true },
    });
    this.views = new EventViews({
      devices: o.devices,
      snapshots: this.snapshots,
      recording: o.recording,
      publicUrl: o.publicUrl,
    });
    this.retention = new EventRetention({
      repo: this.repo,
      snapshots: this.snapshots,
      recording: o.recording,
      ...(o.defaultRetentionDays !== undefined
        ? { defaultRetentionDays: o.defaultRetentionDays }
        : {}),
    });
    new EventAnnouncer({
      events: this.events,
      settings: this.settings,
      audience: new EventAudience({ grants: o.grants, authorizer: o.authorizer }),
      views: this.views,
      notifier: o.notifier,
      push: o.push,
    });
    this.settings.on('changed', (device, settings) =>
      o.notifier.toDevice(device.id, 'detectionSettings', { deviceId: device.id, settings }),
    );
    this.hosting = o.host
      ? new DetectorHosting({
          ...o.host,
          secret: o.secret,
          dataDir: o.dataDir,
          repo: this.repo,
          settings: this.settings,
          device: (id) => this.device(id),
          authorizer: o.authorizer,
        })
      : null;
    const hosting = this.hosting;
    if (hosting) {
      this.settings.usePlacement((id, settings) => hosting.placement(id, settings));
      o.authorizer.useDetectorHosts(hosting);
    }
    o.recording.onMaintenance(async (at) => {
      await this.retention.purge(at);
    });
  }

  /** An active (not revoked) device, or null. */
  async device(deviceId: string): Promise<Device | null> {
    const d = await this.#devices.get(deviceId);
    return d && d.revokedAt === null ? d : null;
  }

  /** Serves signed snapshot URLs (`/detection/snapshots/<signed name>`). */
  register(app: HttpApp): void {
    app.get('/detection/snapshots/:name', async (req, reply) => {
      const name = (req.params as { name?: unknown }).name;
      const eventId = typeof name === 'string' ? this.snapshots.verify(name) : null;
      if (eventId === null) throw PorchlightError.notFound('snapshot');
      const jpeg = await this.snapshots.get(eventId);
      if (!jpeg) throw PorchlightError.notFound('snapshot');
      reply.header('content-type', 'image/jpeg');
      reply.header('cache-control', 'private, max-age=300');
      return reply.send(jpeg);
    });
  }

  /** At start-up: events left open by a stopped server end. */
  recover(): Promise<void> {
    return this.events.recover();
  }

  /** Idempotent. */
  close(): void {
    this.events.close();
    this.hosting?.close();
  }
}
