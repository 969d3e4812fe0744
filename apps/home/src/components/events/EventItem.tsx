import type { EventView } from '@porchlight/sdk';
import { formatTime } from '@porchlight/web-ui';
import { formatDuration, formatScore } from './eventText.ts';

interface Props {
  event: EventView;
  /** Plays the recording from the event's `playFrom`. */
  onPlay: (event: EventView) => void;
}

/** One event of the list: snapshot, camera, time, duration, score, zones; tap to play it. */
export function EventItem({ event, onPlay }: Props) {
  return (
    <li className="event" data-testid="event-item" data-event-id={event.id}>
      <button
        type="button"
        className="event__play"
        data-testid="event-play"
        aria-label={`Play ${event.deviceName} at ${formatTime(event.startedAt)}`}
        onClick={() => onPlay(event)}
      >
        {event.snapshotUrl ? (
          <img
            className="event__snap"
            src={event.snapshotUrl}
            alt=""
            loading="lazy"
            data-testid="event-snapshot"
          />
        ) : (
          <span className="event__snap event__snap--none" aria-hidden="true">
            {event.endedAt === null ? 'no picture yet' : 'no picture'}
          </span>
        )}
        <span className="event__text">
          <span className="event__camera" data-testid="event-camera">
            {event.deviceName}
          </span>
          <span className="event__time">{formatTime(event.startedAt)}</span>
          <span className="event__facts muted small">
            <span data-testid="event-duration">{formatDuration(event)}</span> · person{' '}
            <span data-testid="event-score">{formatScore(event.maxScore)}</span>
          </span>
          {event.zones.length > 0 && (
            <span className="event__zones" data-testid="event-zones">
              {event.zones.map((zone) => (
                <span key={zone} className="event__zone">
                  {zone}
                </span>
              ))}
            </span>
          )}
        </span>
      </button>
    </li>
  );
}
