import type { RecordingThumbnail, TimeRange } from '@porchlight/sdk';
import { formatClock } from '@porchlight/web-ui';

interface Props {
  thumbnails: readonly RecordingThumbnail[];
  /** The timeline's window: each picture sits above its time on the bar. */
  bounds: TimeRange;
  /** How many fit across (their width). */
  count: number;
  onSeek: (at: number) => void;
}

/** Pictures of the recording above the timeline bar; clicking one plays from it. */
export function ThumbnailStrip({ thumbnails, bounds, count, onSeek }: Props) {
  const span = bounds.to - bounds.from;
  const width = 100 / count;
  const shown = thumbnails.filter((t) => t.at >= bounds.from && t.at <= bounds.to);
  return (
    <div className="thumbs" data-testid="thumbnail-strip">
      {shown.length === 0 && <span className="thumbs__empty">No pictures in this window</span>}
      {shown.map((thumb, i) => {
        const center = ((thumb.at - bounds.from) / span) * 100;
        const left = Math.min(Math.max(center - width / 2, 0), 100 - width);
        return (
          <button
            // By slot: a refresh (new signed URLs) swaps the src in place, and the browser keeps
            // the old picture until the new one is in, instead of flashing empty boxes.
            key={i}
            type="button"
            className="thumbs__item"
            style={{ left: `${left}%`, width: `${width}%` }}
            title={`Play from ${formatClock(thumb.at)}`}
            onClick={() => onSeek(thumb.at)}
          >
            <img
              data-testid="timeline-thumb"
              data-at={thumb.at}
              src={thumb.url}
              alt={`Camera at ${formatClock(thumb.at)}`}
              loading="lazy"
              decoding="async"
              onLoad={(event) => event.currentTarget.classList.remove('thumbs__img--failed')}
              onError={(event) => event.currentTarget.classList.add('thumbs__img--failed')}
            />
          </button>
        );
      })}
    </div>
  );
}
