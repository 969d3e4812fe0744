import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { EventView, RecordingTimeline, TimeRange } from '@porchlight/sdk';
import { formatClock, formatInstant } from '@porchlight/web-ui';

interface Props {
  bounds: TimeRange;
  timeline: RecordingTimeline | null;
  /** Wall-clock ms being played, drawn as the playhead. */
  position: number | null;
  /** Tick labels across the bar, the ends included. */
  ticks: number;
  onSeek: (at: number) => void;
  /** Person-detection events drawn on the bar; clicking one plays it from its `playFrom`. */
  events?: readonly EventView[];
}

/** Clipped to the window; null when outside. */
function clip(range: TimeRange, bounds: TimeRange): TimeRange | null {
  const from = Math.max(range.from, bounds.from);
  const to = Math.min(range.to, bounds.to);
  return to > from ? { from, to } : null;
}

/** A click in a gap plays from the next recording instead of from nothing. */
function snap(at: number, ranges: readonly TimeRange[]): number {
  if (ranges.some((r) => r.from <= at && at < r.to)) return at;
  const next = ranges.filter((r) => r.from > at).sort((a, b) => a.from - b.from)[0];
  return next ? next.from : at;
}

/**
 * The window as a horizontal bar: recorded ranges filled, gaps hatched, the playhead on top.
 * Clicking (or the arrow keys) plays from that time.
 */
export function TimelineBar({ bounds, timeline, position, ticks, onSeek, events = [] }: Props) {
  const [hover, setHover] = useState<number | null>(null);
  const span = bounds.to - bounds.from;
  const pct = (t: number): number => ((t - bounds.from) / span) * 100;
  const ranges = timeline?.ranges ?? [];
  const place = (r: TimeRange) => ({
    left: `${pct(r.from)}%`,
    width: `${pct(r.to) - pct(r.from)}%`,
  });
  const timeAt = (event: MouseEvent<HTMLElement>): number => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = Math.min(Math.max(event.clientX - rect.left, 0), rect.width);
    return bounds.from + (rect.width ? x / rect.width : 1) * span;
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    const step = span / 60;
    const from = position ?? bounds.to;
    if (event.key === 'ArrowLeft') onSeek(Math.max(bounds.from, from - step));
    else if (event.key === 'ArrowRight') onSeek(Math.min(bounds.to, from + step));
    else return;
    event.preventDefault();
  };
  const shown = position !== null && position >= bounds.from && position <= bounds.to;

  return (
    <div
      className="timeline"
      data-testid="timeline"
      data-from={bounds.from}
      data-to={bounds.to}
      role="slider"
      tabIndex={0}
      aria-label="Recording timeline: click to play from that time"
      aria-valuemin={bounds.from}
      aria-valuemax={bounds.to}
      aria-valuenow={shown ? position : bounds.to}
      aria-valuetext={formatInstant(shown ? position : bounds.to)}
      onClick={(event) => onSeek(snap(timeAt(event), ranges))}
      onKeyDown={onKeyDown}
      onMouseMove={(event) => setHover(timeAt(event))}
      onMouseLeave={() => setHover(null)}
    >
      <div className="timeline__track">
        {(timeline?.gaps ?? []).map((gap) => {
          const c = clip(gap, bounds);
          return (
            c && (
              <div
                key={`gap-${gap.from}`}
                className="timeline__gap"
                data-testid="timeline-gap"
                style={place(c)}
              />
            )
          );
        })}
        {ranges.map((range) => {
          const c = clip(range, bounds);
          return (
            c && (
              <div
                key={`range-${range.from}`}
                className="timeline__range"
                data-testid="timeline-range"
                data-from={range.from}
                data-to={range.to}
                title={`${formatClock(range.from)} – ${formatClock(range.to)}`}
                style={place(c)}
              />
            )
          );
        })}
        {events.map((event) => {
          const c = clip({ from: event.startedAt, to: event.endedAt ?? bounds.to }, bounds);
          return (
            c && (
              <div
                key={`event-${event.id}`}
                className="timeline__event"
                data-testid="timeline-event"
                data-event-id={event.id}
                title={`Person ${formatClock(event.startedAt)}${event.zones.length ? ` · ${event.zones.join(', ')}` : ''}`}
                style={place(c)}
                onClick={(e) => {
                  e.stopPropagation();
                  onSeek(event.playFrom);
                }}
              />
            )
          );
        })}
        {shown && (
          <div
            className="timeline__playhead"
            data-testid="timeline-playhead"
            style={{ left: `${pct(position)}%` }}
          />
        )}
        {hover !== null && (
          <div className="timeline__hover" style={{ left: `${pct(hover)}%` }}>
            <span>{formatClock(hover)}</span>
          </div>
        )}
      </div>
      <div className="timeline__ticks" aria-hidden="true">
        {Array.from({ length: ticks }, (_, i) => {
          const at = bounds.from + (span * i) / (ticks - 1);
          return <span key={i}>{i === ticks - 1 ? 'now' : formatClock(at, false)}</span>;
        })}
      </div>
    </div>
  );
}
