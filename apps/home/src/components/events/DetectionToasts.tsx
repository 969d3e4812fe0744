import { useEffect, useState } from 'react';
import type { EventView } from '@porchlight/sdk';
import { formatClock } from '@porchlight/web-ui';
import { NO_EVENTS_FILTER } from '../../routing/routes.ts';
import { useStore } from '../../store/index.ts';
import { useDetectionNotifications } from './useDetectionNotifications.ts';
import '../../styles/detection.css';

/** A toast stays this long unless closed or opened. */
const SHOW_MS = 10_000;
/** At most this many at once: the newest. */
const MAX_TOASTS = 3;

/**
 * In-app alerts for the `detection` socket notification: "Person at <camera>" when an event
 * starts, its snapshot added when it arrives; tapping one plays the event. (Installed apps also
 * get a Web Push notification; this covers the open page.)
 */
export function DetectionToasts() {
  const navigate = useStore((s) => s.navigate);
  const [toasts, setToasts] = useState<EventView[]>([]);

  useDetectionNotifications(({ kind, event }) => {
    setToasts((list) => {
      const shown = list.some((t) => t.id === event.id);
      if (shown) return list.map((t) => (t.id === event.id ? event : t));
      return kind === 'started' ? [event, ...list].slice(0, MAX_TOASTS) : list;
    });
  });

  const newest = toasts[0]?.id;
  useEffect(() => {
    if (newest === undefined) return;
    const timer = setTimeout(
      () => setToasts((list) => list.filter((t) => t.id !== newest)),
      SHOW_MS,
    );
    return () => clearTimeout(timer);
  }, [newest]);

  if (toasts.length === 0) return null;
  const close = (id: string): void => setToasts((list) => list.filter((t) => t.id !== id));
  return (
    <div className="detection-toasts" role="status" aria-live="polite">
      {toasts.map((event) => (
        <div key={event.id} className="detection-toast" data-testid="detection-toast">
          <button
            type="button"
            className="detection-toast__open"
            onClick={() => {
              close(event.id);
              navigate({ name: 'timeline', deviceId: event.deviceId, t: event.playFrom });
            }}
          >
            {event.snapshotUrl && <img src={event.snapshotUrl} alt="" />}
            <span>
              <strong>Person at {event.deviceName}</strong>
              <span className="muted small">
                {formatClock(event.startedAt)}
                {event.zones.length > 0 ? ` · ${event.zones.join(', ')}` : ''}
              </span>
            </span>
          </button>
          <button
            type="button"
            className="icon-btn"
            onClick={() => {
              close(event.id);
              navigate({ name: 'events', filter: NO_EVENTS_FILTER, eventId: null });
            }}
          >
            All events
          </button>
          <button
            type="button"
            className="icon-btn"
            aria-label="Dismiss"
            onClick={() => close(event.id)}
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
