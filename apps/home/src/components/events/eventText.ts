import type { EventView } from '@porchlight/sdk';
import type { EventsFilter } from '../../routing/routes.ts';

/** "45 s", "3 min 20 s", "1 h 05 min"; "ongoing" while the event is open. */
export function formatDuration(event: Pick<EventView, 'startedAt' | 'endedAt'>): string {
  if (event.endedAt === null) return 'ongoing';
  const seconds = Math.max(0, Math.round((event.endedAt - event.startedAt) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Scores are shown as a percentage of certainty: 0.634 -> "63 %". */
export function formatScore(score: number): string {
  return `${Math.round(score * 100)} %`;
}

/** Quick choices for the time filter; each sets `from` relative to now (and clears `to`). */
export const TIME_PRESETS = [
  { id: 'hour', label: 'Last hour', ms: 3_600_000 },
  { id: 'day', label: 'Last 24 hours', ms: 86_400_000 },
  { id: 'week', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;

/** Whether an event (e.g. one just announced on the socket) belongs in a filtered list. */
export function matchesFilter(event: EventView, filter: EventsFilter): boolean {
  if (filter.deviceId !== null && event.deviceId !== filter.deviceId) return false;
  if (filter.zone !== null && !event.zones.includes(filter.zone)) return false;
  if (filter.from !== null && event.startedAt < filter.from) return false;
  if (filter.to !== null && event.startedAt >= filter.to) return false;
  return true;
}

/**
 * A list with one event added or replaced (same id), newest first; the list only grows at the
 * top, so an announced event older than the oldest shown (a page not loaded yet) is left out.
 */
export function upsertEvent(
  list: readonly EventView[],
  event: EventView,
  complete: boolean,
): EventView[] {
  const index = list.findIndex((e) => e.id === event.id);
  if (index >= 0) return list.map((e, i) => (i === index ? event : e));
  const oldest = list[list.length - 1];
  if (!complete && oldest !== undefined && event.startedAt < oldest.startedAt) return [...list];
  return [...list, event].sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1));
}

/** `datetime-local` value (local time) of unix ms, and back; '' = none. */
export function toLocalInput(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): number | null {
  if (value === '') return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}
