import type {
  DetectionSettingsInput,
  DeviceDetection,
  EventDetail,
  EventPage,
  EventView,
  ListEventsQuery,
  StartEvent,
  UpdateEvent,
} from '@porchlight/protocol';
import { InvitationApi } from './api-invitations.ts';

/**
 * Person detection of {@link PorchlightApi}. The camera (device token) reports its events with
 * `startEvent` / `updateEvent` / `putEventSnapshot` for its own device id; people read them with
 * `listEvents` / `getEvent` and change a camera's settings with `putDetectionSettings`.
 * Refusals: FORBIDDEN (another device's id, a viewer posting), BAD_REQUEST (schema, not a JPEG;
 * 413 for a snapshot over DETECTION_LIMITS.snapshotBytes), RATE_LIMITED (too many posts).
 */
export abstract class EventsApi extends InvitationApi {
  /** A new event of this camera; returns its id for the updates. */
  async startEvent(deviceId: string, event: StartEvent): Promise<{ eventId: string }> {
    return this.call('startEvent', { params: { deviceId }, body: event });
  }

  /** Appends track points / raises maxScore / adds zones; `endedAt` ends the event. */
  updateEvent(deviceId: string, eventId: string, patch: UpdateEvent): Promise<EventView> {
    return this.call('updateEvent', { params: { deviceId, eventId }, body: patch });
  }

  /** The event's best snapshot: JPEG bytes (a Blob from `convertToBlob`, or a Uint8Array). */
  putEventSnapshot(
    deviceId: string,
    eventId: string,
    jpeg: Blob | Uint8Array,
  ): Promise<{ snapshotUrl: string }> {
    return this.call('putEventSnapshot', {
      params: { deviceId, eventId },
      raw: { type: 'image/jpeg', data: jpeg },
    });
  }

  /** Newest first; pass the page's `next` as `before` for the next page. */
  listEvents(query: ListEventsQuery = {}): Promise<EventPage> {
    return this.call('listEvents', { query: { ...query } });
  }

  /** One event with its whole track. */
  getEvent(eventId: string): Promise<EventDetail> {
    return this.call('getEvent', { params: { eventId } });
  }

  /** The camera's settings (defaults until saved) and its detector's last report. */
  getDetectionSettings(deviceId: string): Promise<DeviceDetection> {
    return this.call('getDetectionSettings', { params: { deviceId } });
  }

  /** Replaces the settings (omitted fields take their defaults); the camera is told at once. */
  putDetectionSettings(
    deviceId: string,
    settings: DetectionSettingsInput,
  ): Promise<DeviceDetection> {
    return this.call('putDetectionSettings', { params: { deviceId }, body: settings });
  }
}
