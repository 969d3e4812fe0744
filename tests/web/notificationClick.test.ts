/** The service worker's notification logic, called directly (no CDP command exists for a click). */
import { describe, expect, it } from 'vitest';
import type { PushPayload } from '@porchlight/protocol';
import { decideNotificationClick } from '../../apps/home/src/sw/notificationClick.ts';
import { notificationFor } from '../../apps/home/src/sw/notificationView.ts';

const ring: PushPayload = {
  v: 1,
  type: 'ring',
  callId: 'call-1',
  siteId: 'site-1',
  doorId: 'door-1',
  title: 'Someone is at Front door',
  body: 'Tap to answer',
  tag: 'call-1',
  url: '/calls/call-1',
  actions: ['answer', 'decline'],
  renotify: true,
  requireInteraction: true,
  timestamp: 1,
  actionToken: 'tok.mac',
};

describe('notification click', () => {
  it('Answer opens the call screen answering', () => {
    expect(decideNotificationClick('answer', ring)).toStrictEqual({
      kind: 'open',
      url: '/calls/call-1?action=answer',
    });
  });
  it('Decline posts the action token, falling back to the call screen', () => {
    expect(decideNotificationClick('decline', ring)).toStrictEqual({
      kind: 'decline',
      request: {
        url: '/api/v1/notifications/actions',
        body: JSON.stringify({ token: 'tok.mac', action: 'decline' }),
      },
      fallbackUrl: '/calls/call-1?action=decline',
    });
    const { actionToken: _, ...noToken } = ring;
    expect(decideNotificationClick('decline', noToken)).toStrictEqual({
      kind: 'open',
      url: '/calls/call-1?action=decline',
    });
  });
  it('a tap on the notification itself opens the call; on news, its url', () => {
    expect(decideNotificationClick('', ring)).toStrictEqual({ kind: 'open', url: '/calls/call-1' });
    const missed = { ...ring, type: 'missed', actions: [], url: '/calls/call-1' };
    expect(decideNotificationClick('', missed)).toStrictEqual({
      kind: 'open',
      url: '/calls/call-1',
    });
    const test = {
      ...ring,
      type: 'test',
      callId: undefined,
      actions: [],
      url: '/settings/notifications',
    };
    expect(decideNotificationClick('', test)).toStrictEqual({
      kind: 'open',
      url: '/settings/notifications',
    });
  });
  it('other actions, answered calls and unreadable data open a page, never a decline', () => {
    expect(decideNotificationClick('snooze', ring)).toStrictEqual({
      kind: 'open',
      url: '/calls/call-1',
    });
    const answered = { ...ring, type: 'answered', actions: [] };
    expect(decideNotificationClick('decline', answered)).toStrictEqual({
      kind: 'open',
      url: '/calls/call-1',
    });
    expect(decideNotificationClick('answer', { v: 99 })).toStrictEqual({ kind: 'open', url: '/' });
    expect(decideNotificationClick('', undefined)).toStrictEqual({ kind: 'open', url: '/' });
    // A payload pointing elsewhere is refused by the schema: never open another site.
    expect(decideNotificationClick('', { ...ring, url: '//evil.example/x' })).toStrictEqual({
      kind: 'open',
      url: '/',
    });
  });
});

describe('notification view', () => {
  it('a ring shows Answer/Decline, alerts again on its tag and stays', () => {
    const n = notificationFor(ring);
    expect(n.title).toBe('Someone is at Front door');
    expect(n.options).toMatchObject({
      tag: 'call-1',
      renotify: true,
      requireInteraction: true,
      actions: [
        { action: 'answer', title: 'Answer' },
        { action: 'decline', title: 'Decline' },
      ],
    });
  });
  it('answered elsewhere replaces it quietly but visibly, without buttons', () => {
    const n = notificationFor({
      ...ring,
      type: 'answered',
      body: 'Answered by Bob on iPad',
      actions: [],
      renotify: false,
    });
    expect(n.options).toMatchObject({
      tag: 'call-1',
      body: 'Answered by Bob on iPad',
      actions: [],
      renotify: false,
    });
  });
  it('an unreadable push still shows something', () => {
    expect(notificationFor('junk').title).toBe('Porchlight');
  });
});
