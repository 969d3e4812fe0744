/**
 * The home app's addresses. Pure: parse a location into a {@link Route} and format one back, so
 * bookmarks, reloads and the back button land on the same screen (docs/pwa.md "Addresses").
 */

import { hasUnsafeText } from '@porchlight/protocol';

export type SettingsSection = 'notifications' | 'webhooks' | 'account';

export type Route =
  | { name: 'live' }
  /** One camera, enlarged. */
  | { name: 'camera'; deviceId: string }
  /** A camera's recordings; `t` = the playback position (unix ms) when one was chosen. */
  | { name: 'timeline'; deviceId: string; t: number | null }
  | { name: 'people' }
  | { name: 'devices' }
  | { name: 'settings'; section: SettingsSection | null }
  /** An incoming or running doorbell call; `action` when opened from a notification. */
  | { name: 'call'; callId: string; action: 'answer' | 'decline' | null }
  /** The visitor's page of a door (no login). */
  | { name: 'door'; token: string }
  /** A camera's person-detection settings: zones, masks, thresholds (docs/detection.md). */
  | { name: 'detection'; deviceId: string }
  /**
   * Detection events of the site, newest first; the filters are part of the address. `eventId`:
   * one event shown first (a push notification opens `/events?event=<id>`).
   */
  | { name: 'events'; filter: EventsFilter; eventId: string | null };

/** What the events list shows: null = no restriction. `from`/`to` are unix ms. */
export interface EventsFilter {
  deviceId: string | null;
  zone: string | null;
  from: number | null;
  to: number | null;
}

export const NO_EVENTS_FILTER: EventsFilter = { deviceId: null, zone: null, from: null, to: null };

export type RouteName = Route['name'];

export const LIVE: Route = { name: 'live' };

const ID = /^[A-Za-z0-9_-]{1,128}$/;
/** A door token is a compact JWS (three base64url parts), longer than an id. */
const DOOR_TOKEN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,2}$/;
const SECTIONS: readonly SettingsSection[] = ['notifications', 'webhooks', 'account'];

function segment(value: string | undefined, pattern = ID, maxLength = 128): string | null {
  if (value === undefined || value.length > maxLength * 3) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return null;
  }
  return decoded.length <= maxLength && pattern.test(decoded) ? decoded : null;
}

function instant(value: string | null): number | null {
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

/** A zone name is free text (protocol: 1-40 characters, no control characters). */
function zoneName(value: string | null): string | null {
  if (value === null) return null;
  const name = value.trim();
  return name.length >= 1 && name.length <= 40 && !hasUnsafeText(name) ? name : null;
}

function eventsFilter(query: URLSearchParams): EventsFilter {
  const camera = query.get('camera');
  return {
    deviceId: camera === null ? null : segment(encodeURIComponent(camera)),
    zone: zoneName(query.get('zone')),
    from: instant(query.get('from')),
    to: instant(query.get('to')),
  };
}

function formatEventsQuery(filter: EventsFilter, eventId: string | null): string {
  const query = new URLSearchParams();
  if (eventId !== null) query.set('event', eventId);
  if (filter.deviceId !== null) query.set('camera', filter.deviceId);
  if (filter.zone !== null) query.set('zone', filter.zone);
  if (filter.from !== null) query.set('from', String(Math.round(filter.from)));
  if (filter.to !== null) query.set('to', String(Math.round(filter.to)));
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** The route of a path and query; null when this app has no such address. */
export function parseRoute(pathname: string, search = ''): Route | null {
  const parts = pathname.split('/').filter((p) => p !== '');
  const query = new URLSearchParams(search);
  const [head, id, extra] = parts;
  if (head === undefined) return LIVE;
  if (parts.length === 1 && (head === 'people' || head === 'devices')) return { name: head };
  if (parts.length === 1 && head === 'events') {
    const event = query.get('event');
    const eventId = event === null ? null : segment(encodeURIComponent(event));
    return { name: 'events', filter: eventsFilter(query), eventId };
  }
  if (head === 'cameras' && extra === 'detection' && parts.length === 3) {
    const deviceId = segment(id);
    return deviceId === null ? null : { name: 'detection', deviceId };
  }
  if (head === 'settings' && extra === undefined) {
    if (id === undefined) return { name: 'settings', section: null };
    const section = SECTIONS.find((s) => s === id);
    return section ? { name: 'settings', section } : null;
  }
  if (head === 'door') {
    const token = extra === undefined ? segment(id, DOOR_TOKEN, 1024) : null;
    return token === null ? null : { name: 'door', token };
  }
  const value = extra === undefined ? segment(id) : null;
  if (value === null) return null;
  switch (head) {
    case 'cameras':
      return { name: 'camera', deviceId: value };
    case 'timeline':
      return { name: 'timeline', deviceId: value, t: instant(query.get('t')) };
    case 'calls': {
      const action = query.get('action');
      return {
        name: 'call',
        callId: value,
        action: action === 'answer' || action === 'decline' ? action : null,
      };
    }
    default:
      return null;
  }
}

/** The address of a route (path and query). */
export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'live':
      return '/';
    case 'camera':
      return `/cameras/${encodeURIComponent(route.deviceId)}`;
    case 'timeline':
      return `/timeline/${encodeURIComponent(route.deviceId)}${route.t === null ? '' : `?t=${Math.round(route.t)}`}`;
    case 'people':
    case 'devices':
      return `/${route.name}`;
    case 'settings':
      return route.section ? `/settings/${route.section}` : '/settings';
    case 'call':
      return `/calls/${encodeURIComponent(route.callId)}${route.action ? `?action=${route.action}` : ''}`;
    case 'door':
      return `/door/${encodeURIComponent(route.token)}`;
    case 'detection':
      return `/cameras/${encodeURIComponent(route.deviceId)}/detection`;
    case 'events':
      return `/events${formatEventsQuery(route.filter, route.eventId)}`;
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return formatRoute(a) === formatRoute(b);
}

export type RouteOf<N extends RouteName> = Extract<Route, { name: N }>;
