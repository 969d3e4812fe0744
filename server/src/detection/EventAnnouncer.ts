import type { DetectionNotificationKind } from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { DetectionSettingsService } from './DetectionSettingsService.ts';
import type { EventRow } from './DetectionRepository.ts';
import type { EventAudience } from './EventAudience.ts';
import type { EventService } from './EventService.ts';
import type { EventViews } from './EventViews.ts';
import type { DetectionNotifier, DetectionPushPort } from './ports.ts';

const logger = createLogger('detection:announce');

export interface EventAnnouncerOptions {
  events: EventService;
  settings: Pick<DetectionSettingsService, 'settingsOf'>;
  audience: Pick<EventAudience, 'of'>;
  views: Pick<EventViews, 'one'>;
  notifier: DetectionNotifier;
  push: DetectionPushPort;
}

/**
 * Tells people of events, when the camera's settings say `notify`: every change on their open
 * apps' sockets (`detection`), and by Web Push the start (text) and the first snapshot (image).
 * Push recipients' own settings (cameras, quiet hours) are applied by the push adapter.
 */
export class EventAnnouncer {
  readonly #o: EventAnnouncerOptions;

  constructor(o: EventAnnouncerOptions) {
    this.#o = o;
    o.events.on('started', (e) => void this.#announce('started', e, 'text'));
    o.events.on('updated', (e) => void this.#announce('updated', e, null));
    o.events.on('snapshot', (e) => void this.#announce('updated', e, 'image'));
    o.events.on('ended', (e) => void this.#announce('ended', e, null));
  }

  async #announce(
    kind: DetectionNotificationKind,
    row: EventRow,
    push: 'text' | 'image' | null,
  ): Promise<void> {
    try {
      if (!(await this.#o.settings.settingsOf(row.deviceId)).notify) return;
      const [view, accountIds] = await Promise.all([
        this.#o.views.one(row),
        this.#o.audience.of(row.siteId, row.deviceId),
      ]);
      this.#o.notifier.toAccounts(accountIds, 'detection', { kind, event: view });
      if (push === 'text') await this.#o.push.started(view, accountIds);
      if (push === 'image' && view.snapshotUrl)
        await this.#o.push.snapshot(view, accountIds, view.snapshotUrl);
    } catch (error) {
      logger.warn('cannot announce event', { eventId: row.id, error: String(error) });
    }
  }
}
