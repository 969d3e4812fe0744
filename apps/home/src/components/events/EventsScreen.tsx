import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  describeApiError,
  type Device,
  type EventView,
  type ListEventsQuery,
} from '@porchlight/sdk';
import { api } from '../../auth/services.ts';
import { LIVE, type EventsFilter, type RouteOf } from '../../routing/routes.ts';
import { useStore } from '../../store/index.ts';
import { EventItem } from './EventItem.tsx';
import {
  fromLocalInput,
  matchesFilter,
  TIME_PRESETS,
  toLocalInput,
  upsertEvent,
} from './eventText.ts';
import { useDetectionNotifications } from './useDetectionNotifications.ts';
import '../../styles/detection.css';

/** Events per page (the API allows up to 100). */
const PAGE = 30;

function queryOf(siteId: string, filter: EventsFilter, before: string | null): ListEventsQuery {
  const query: ListEventsQuery = { siteId, limit: PAGE };
  if (filter.deviceId !== null) query.deviceId = filter.deviceId;
  if (filter.zone !== null) query.zone = filter.zone;
  if (filter.from !== null) query.from = filter.from;
  if (filter.to !== null) query.to = filter.to;
  if (before !== null) query.before = before;
  return query;
}

interface ListState {
  events: EventView[];
  next: string | null;
  loading: boolean;
  error: string | null;
}

/** The site's detection events, newest first, filtered as the address says; new ones arrive live. */
function useEventList(siteId: string, filter: EventsFilter) {
  const [state, setState] = useState<ListState>({
    events: [],
    next: null,
    loading: true,
    error: null,
  });
  useEffect(() => {
    let stale = false;
    setState({ events: [], next: null, loading: true, error: null });
    api.listEvents(queryOf(siteId, filter, null)).then(
      (page) => stale || setState({ ...page, loading: false, error: null }),
      (e: unknown) =>
        stale || setState({ events: [], next: null, loading: false, error: describeApiError(e) }),
    );
    return () => {
      stale = true;
    };
  }, [siteId, filter]);

  const more = useCallback(() => {
    if (state.next === null) return;
    setState((s) => ({ ...s, loading: true }));
    api.listEvents(queryOf(siteId, filter, state.next)).then(
      (page) =>
        setState((s) => ({
          events: [...s.events, ...page.events.filter((e) => !s.events.some((x) => x.id === e.id))],
          next: page.next,
          loading: false,
          error: null,
        })),
      (e: unknown) => setState((s) => ({ ...s, loading: false, error: describeApiError(e) })),
    );
  }, [siteId, filter, state.next]);

  useDetectionNotifications(({ event }) => {
    if (event.siteId !== siteId || !matchesFilter(event, filter)) return;
    setState((s) => ({ ...s, events: upsertEvent(s.events, event, s.next === null) }));
  });

  return { ...state, more };
}

/** The cameras of the site, for the camera filter (every member may list them). */
function useDevices(siteId: string): Device[] {
  const [devices, setDevices] = useState<Device[]>([]);
  useEffect(() => {
    let stale = false;
    api.listDevices(siteId).then(
      (list) => stale || setDevices(list.filter((d) => !d.revoked)),
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [siteId]);
  return devices;
}

/** The event a notification pointed at (`?event=`), kept fresh by the live notifications. */
function usePinnedEvent(eventId: string | null): { event: EventView | null; error: string | null } {
  const [state, setState] = useState<{ event: EventView | null; error: string | null }>({
    event: null,
    error: null,
  });
  useEffect(() => {
    setState({ event: null, error: null });
    if (eventId === null) return;
    let stale = false;
    api.getEvent(eventId).then(
      (event) => stale || setState({ event, error: null }),
      (e: unknown) => stale || setState({ event: null, error: describeApiError(e) }),
    );
    return () => {
      stale = true;
    };
  }, [eventId]);
  useDetectionNotifications(({ event }) => {
    if (event.id === eventId) setState({ event, error: null });
  });
  return state;
}

/** `/events`: person-detection events; tapping one plays its recording from just before. */
export function EventsScreen({ route, siteId }: { route: RouteOf<'events'>; siteId: string }) {
  const navigate = useStore((s) => s.navigate);
  const { filter } = route;
  const list = useEventList(siteId, filter);
  const pinned = usePinnedEvent(route.eventId);
  const play = (e: EventView): void =>
    navigate({ name: 'timeline', deviceId: e.deviceId, t: e.playFrom });
  const devices = useDevices(siteId);
  const setFilter = (patch: Partial<EventsFilter>): void =>
    navigate({ name: 'events', filter: { ...filter, ...patch }, eventId: null }, { replace: true });
  const zones = useMemo(
    () => [...new Set(list.events.flatMap((e) => e.zones))].sort(),
    [list.events],
  );
  const [zoneText, setZoneText] = useState(filter.zone ?? '');
  useEffect(() => setZoneText(filter.zone ?? ''), [filter.zone]);
  const applyZone = (): void => {
    const zone = zoneText.trim();
    setFilter({ zone: zone === '' ? null : zone.slice(0, 40) });
  };
  const filtered =
    filter.deviceId !== null || filter.zone !== null || filter.from !== null || filter.to !== null;

  return (
    <section className="page events-screen" data-testid="events-screen">
      <header className="events-head">
        <button type="button" className="icon-btn" onClick={() => navigate(LIVE)}>
          ← Live
        </button>
        <h1>Events</h1>
      </header>
      <form
        className="events-filter"
        aria-label="Filter events"
        onSubmit={(e) => {
          e.preventDefault();
          applyZone();
        }}
      >
        <label className="field">
          <span>Camera</span>
          <select
            data-testid="events-camera"
            value={filter.deviceId ?? ''}
            onChange={(e) => setFilter({ deviceId: e.target.value === '' ? null : e.target.value })}
          >
            <option value="">All cameras</option>
            {devices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Zone</span>
          <input
            data-testid="events-zone"
            list="events-zones"
            placeholder="Any zone"
            value={zoneText}
            maxLength={40}
            onChange={(e) => setZoneText(e.target.value)}
            onBlur={applyZone}
          />
          <datalist id="events-zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>When</span>
          <select
            data-testid="events-when"
            value={filter.from === null && filter.to === null ? 'any' : 'custom'}
            onChange={(e) => {
              const preset = TIME_PRESETS.find((p) => p.id === e.target.value);
              if (preset) setFilter({ from: Date.now() - preset.ms, to: null });
              else if (e.target.value === 'any') setFilter({ from: null, to: null });
            }}
          >
            <option value="any">Any time</option>
            {TIME_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="custom" disabled>
              Custom range
            </option>
          </select>
        </label>
        <label className="field">
          <span>From</span>
          <input
            type="datetime-local"
            data-testid="events-from"
            value={toLocalInput(filter.from)}
            onChange={(e) => setFilter({ from: fromLocalInput(e.target.value) })}
          />
        </label>
        <label className="field">
          <span>To</span>
          <input
            type="datetime-local"
            data-testid="events-to"
            value={toLocalInput(filter.to)}
            onChange={(e) => setFilter({ to: fromLocalInput(e.target.value) })}
          />
        </label>
        {filtered && (
          <button
            type="button"
            className="link-btn events-filter__clear"
            data-testid="events-clear"
            onClick={() => setFilter({ deviceId: null, zone: null, from: null, to: null })}
          >
            Clear filters
          </button>
        )}
      </form>
      {route.eventId !== null && (pinned.event || pinned.error) && (
        <section className="events-pinned" data-testid="events-pinned" aria-label="From the alert">
          <h2>From the alert</h2>
          {pinned.event ? (
            <ul className="events-list">
              <EventItem event={pinned.event} onPlay={play} />
            </ul>
          ) : (
            <p className="detection-error">{pinned.error}</p>
          )}
        </section>
      )}
      {list.error && (
        <p className="detection-error" role="alert">
          {list.error}
        </p>
      )}
      {!list.loading && list.events.length === 0 && !list.error && (
        <p className="empty" data-testid="events-empty">
          {filtered
            ? 'No events match these filters.'
            : 'No events yet. Cameras with person detection on report them here.'}
        </p>
      )}
      <ul className="events-list" data-testid="events-list">
        {list.events.map((event) => (
          <EventItem key={event.id} event={event} onPlay={play} />
        ))}
      </ul>
      {list.loading && <p className="muted">Loading…</p>}
      {list.next !== null && !list.loading && (
        <button type="button" className="btn" data-testid="events-more" onClick={list.more}>
          Older events
        </button>
      )}
    </section>
  );
}
