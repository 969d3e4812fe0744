import { describe, expect, it } from 'vitest';
import {
  formatRoute,
  NO_EVENTS_FILTER,
  parseRoute,
  type Route,
} from '../../apps/home/src/routing/routes.ts';
import { NAVIGATION_DENYLIST } from '../../apps/home/src/sw/rules.ts';
import { servesAppShell } from '../../server/src/http/spaFallback.ts';

describe('home app routes', () => {
  const cases: [string, Route][] = [
    ['/', { name: 'live' }],
    ['/cameras/dev-1', { name: 'camera', deviceId: 'dev-1' }],
    ['/timeline/dev-1', { name: 'timeline', deviceId: 'dev-1', t: null }],
    ['/timeline/dev-1?t=1764700000000', { name: 'timeline', deviceId: 'dev-1', t: 1764700000000 }],
    ['/people', { name: 'people' }],
    ['/devices', { name: 'devices' }],
    ['/settings', { name: 'settings', section: null }],
    ['/settings/notifications', { name: 'settings', section: 'notifications' }],
    ['/settings/webhooks', { name: 'settings', section: 'webhooks' }],
    ['/calls/c1', { name: 'call', callId: 'c1', action: null }],
    ['/calls/c1?action=answer', { name: 'call', callId: 'c1', action: 'answer' }],
    ['/door/tok_en-1', { name: 'door', token: 'tok_en-1' }],
    ['/cameras/dev-1/detection', { name: 'detection', deviceId: 'dev-1' }],
    ['/events', { name: 'events', filter: NO_EVENTS_FILTER, eventId: null }],
    ['/events?event=ev-1', { name: 'events', filter: NO_EVENTS_FILTER, eventId: 'ev-1' }],
    [
      '/events?camera=dev-1&zone=Front+path&from=1764700000000&to=1764703600000',
      {
        name: 'events',
        filter: { deviceId: 'dev-1', zone: 'Front path', from: 1764700000000, to: 1764703600000 },
        eventId: null,
      },
    ],
    // A real door token is a JWT: three dot-separated parts, longer than an id.
    [
      `/door/eyJh.${'a'.repeat(300)}.sig-_1`,
      { name: 'door', token: `eyJh.${'a'.repeat(300)}.sig-_1` },
    ],
  ];

  it.each(cases)('%s round-trips', (address, route) => {
    const url = new URL(address, 'https://h');
    expect(parseRoute(url.pathname, url.search)).toEqual(route);
    expect(formatRoute(route)).toBe(address);
  });

  it('refuses addresses it does not have and bad ids', () => {
    for (const path of [
      '/nope',
      '/cameras',
      '/cameras/a/b',
      '/cameras/%E0',
      '/cameras/a%20b',
      '/settings/x',
      '/people/x',
      '/cameras/a/settings',
      '/cameras/a%20b/detection',
      '/cameras/a/detection/x',
      '/events/x',
    ])
      expect(parseRoute(path)).toBeNull();
  });

  it('ignores a malformed position or action', () => {
    expect(parseRoute('/timeline/d', '?t=abc')).toEqual({
      name: 'timeline',
      deviceId: 'd',
      t: null,
    });
    expect(parseRoute('/calls/c', '?action=explode')).toEqual({
      name: 'call',
      callId: 'c',
      action: null,
    });
  });

  it('drops a malformed events filter instead of refusing the list', () => {
    expect(parseRoute('/events', '?camera=a%20b&zone=%01x&from=yesterday&to=12&event=a/b')).toEqual(
      {
        name: 'events',
        filter: { deviceId: null, zone: null, from: null, to: 12 },
        eventId: null,
      },
    );
  });

  it('tolerates a trailing slash', () => {
    expect(parseRoute('/devices/')).toEqual({ name: 'devices' });
  });

  it('every address opens the app: the server and the service worker answer it with the page', () => {
    for (const [address] of cases) {
      const { pathname } = new URL(address, 'https://h');
      expect(
        NAVIGATION_DENYLIST.some((rule) => rule.test(pathname)),
        address,
      ).toBe(false);
      expect(servesAppShell('/', address), address).toBe(true);
    }
  });
});
