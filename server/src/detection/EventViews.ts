import type { EventDetail, EventView } from '@porchlight/protocol';
import type { DeviceRepository } from '../store/repositories/DeviceRepository.ts';
import type { EventRow } from './DetectionRepository.ts';
import type { EventSnapshots } from './EventSnapshots.ts';
import type { EventRecordingPort } from './ports.ts';

export interface EventViewsOptions {
  devices: Pick<DeviceRepository, 'get'>;
  snapshots: EventSnapshots;
  recording: Pick<EventRecordingPort, 'preRollMs'>;
  publicUrl: () => string;
}

/**
 * Events as people see them: the camera's name, a freshly signed snapshot URL, and where playback
 * starts (startedAt minus the camera's pre-roll). Lookups are cached per call of `many`.
 */
export class EventViews {
  readonly #o: EventViewsOptions;

  constructor(o: EventViewsOptions) {
    this.#o = o;
  }

  async one(row: EventRow): Promise<EventView> {
    return (await this.many([row]))[0]!;
  }

  async detail(row: EventRow): Promise<EventDetail> {
    return { ...(await this.one(row)), track: row.track };
  }

  async many(rows: readonly EventRow[]): Promise<EventView[]> {
    const cams = new Map<string, Promise<{ name: string; preRollMs: number }>>();
    const camera = (deviceId: string) => {
      let p = cams.get(deviceId);
      if (!p)
        cams.set(
          deviceId,
          (p = (async () => ({
            name: (await this.#o.devices.get(deviceId))?.name ?? '',
            preRollMs: await this.#o.recording.preRollMs(deviceId),
          }))()),
        );
      return p;
    };
    return Promise.all(
      rows.map(async (r) => {
        const cam = await camera(r.deviceId);
        return {
          id: r.id,
          siteId: r.siteId,
          deviceId: r.deviceId,
          deviceName: cam.name,
          label: r.label,
          startedAt: r.startedAt,
          endedAt: r.endedAt,
          maxScore: r.maxScore,
          zones: r.zones,
          snapshotUrl: r.snapshotRef
            ? `${this.#o.publicUrl()}${this.#o.snapshots.signedPath(r.id)}`
            : null,
          detector: r.detector,
          playFrom: r.startedAt - cam.preRollMs,
        };
      }),
    );
  }
}
