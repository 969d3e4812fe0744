import type { EventView, NotificationMap } from '@porchlight/protocol';

/**
 * What detection needs of recording, wired by the composition root (detection never imports the
 * recording service).
 */
export interface EventRecordingPort {
  /**
   * Raises a recording event for the camera (`type` tags the segments): persists the pre-roll
   * and keeps recording until now + the camera's post-roll. Called again while an event is open.
   * `since` (server clock): when the event began, if earlier: the pre-roll counts back from it.
   */
  trigger(deviceId: string, siteId: string, type: string, since?: number): Promise<void>;
  /** The camera's pre-roll (what is kept before a trigger), ms. */
  preRollMs(deviceId: string): Promise<number>;
  /** How long the camera's recordings are kept (ms); null when they have no age limit. */
  retentionMs(deviceId: string): Promise<number | null>;
  /** Registers work that runs with every recording maintenance (retention) pass. */
  onMaintenance(task: (now: number) => Promise<void>): void;
}

/** Sockets (signaling), wired by the composition root. */
export interface DetectionNotifier {
  toAccounts<K extends 'detection'>(
    accountIds: readonly string[],
    name: K,
    payload: NotificationMap[K],
  ): void;
  toDevice<K extends 'detectionSettings'>(
    deviceId: string,
    name: K,
    payload: NotificationMap[K],
  ): void;
}

/** Web Push of detection events (notify/DetectionPush), wired by the composition root. */
export interface DetectionPushPort {
  /** The text push, the moment the event starts. */
  started(event: EventView, accountIds: readonly string[]): Promise<unknown>;
  /** The second push, with the snapshot (a signed URL): same tag, replaces the first. */
  snapshot(event: EventView, accountIds: readonly string[], imageUrl: string): Promise<unknown>;
}
