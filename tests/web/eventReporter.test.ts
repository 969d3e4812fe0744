import { describe, expect, it } from 'vitest';
import type { TrackPoint } from '@porchlight/protocol';
import {
  EventReporter,
  type EventsEndpoint,
  type LocalEvent,
} from '../../apps/home/src/media/EventReporter.ts';

/** The API as the server would answer it, recording every call; `fail` makes calls reject. */
function fakeApi() {
  const calls: { method: string; eventId?: string; body: unknown }[] = [];
  let fail: string | null = null;
  let started = 0;
  const api: EventsEndpoint = {
    startEvent: (_deviceId, body) => {
      calls.push({ method: 'start', body });
      if (fail === 'start') return Promise.reject(new Error('refused'));
      return Promise.resolve({ eventId: `ev${++started}` });
    },
    updateEvent: (_deviceId, eventId, body) => {
      calls.push({ method: 'update', eventId, body });
      if (fail === 'update') return Promise.reject(new Error('refused'));
      return Promise.resolve({
        id: eventId,
        siteId: 'site',
        deviceId: 'cam',
        deviceName: 'Cam',
        label: 'person' as const,
        startedAt: 0,
        endedAt: null,
        maxScore: 0.5,
        zones: [],
        snapshotUrl: null,
        detector: { backend: 'wasm' as const, model: 'm', msPerFrame: 1 },
        playFrom: 0,
      });
    },
    putEventSnapshot: (_deviceId, eventId, jpeg) => {
      calls.push({ method: 'snapshot', eventId, body: jpeg });
      return Promise.resolve({ snapshotUrl: '/media/x' });
    },
  };
  return { api, calls, setFail: (what: string | null) => (fail = what) };
}

/** A clock and timer queue the test advances by hand. */
function manualTime() {
  let now = 1_000_000;
  const timers: { at: number; run: () => void }[] = [];
  return {
    now: () => now,
    setTimer: (run: () => void, ms: number) => timers.push({ at: now + ms, run }),
    advance(ms: number) {
      now += ms;
      for (const t of timers.splice(0).sort((a, b) => a.at - b.at))
        if (t.at <= now) t.run();
        else timers.push(t);
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function point(t: number, score = 0.6): TrackPoint {
  return { t, box: [0.1, 0.2, 0.2, 0.5], score };
}

function event(patch: Partial<LocalEvent> = {}): LocalEvent {
  return {
    localId: 'l1',
    label: 'person',
    startedAt: 1_000_000,
    endedAt: null,
    maxScore: 0.6,
    zones: [],
    track: [point(1_000_000)],
    ...patch,
  };
}

function setup() {
  const fake = fakeApi();
  const time = manualTime();
  const errors: unknown[] = [];
  const reporter = new EventReporter({
    api: fake.api,
    deviceId: 'cam',
    detector: () => ({ backend: 'wasm', model: 'centernet-512', msPerFrame: 160 }),
    updateIntervalMs: 2000,
    now: time.now,
    setTimer: time.setTimer,
    onError: (e) => errors.push(e),
  });
  return { ...fake, time, reporter, errors };
}

describe('EventReporter', () => {
  it('starts with the detector info, then sends only new points, and the end at once', async () => {
    const { reporter, calls, time } = setup();
    reporter.started(event({ zones: ['Path'] }));
    reporter.updated(event({ track: [point(1_000_000), point(1_000_500, 0.7)], maxScore: 0.7 }));
    await settle();
    expect(calls.map((c) => c.method)).toEqual(['start']);
    expect(calls[0]?.body).toMatchObject({
      label: 'person',
      zones: ['Path'],
      detector: { backend: 'wasm', model: 'centernet-512', msPerFrame: 160 },
    });
    // Coalesced behind the interval: the newer update replaces the older.
    reporter.updated(
      event({
        track: [point(1_000_000), point(1_000_500), point(1_001_000)],
        maxScore: 0.7,
        zones: ['Path', 'Door'],
      }),
    );
    time.advance(2000);
    await settle();
    expect(calls.slice(1)).toEqual([
      {
        method: 'update',
        eventId: 'ev1',
        body: { track: [point(1_000_500), point(1_001_000)], maxScore: 0.7, zones: ['Door'] },
      },
    ]);
    reporter.ended(event({ endedAt: 1_003_000, track: [point(1_001_000)], maxScore: 0.7 }));
    await settle();
    expect(calls.at(-1)).toEqual({
      method: 'update',
      eventId: 'ev1',
      body: { endedAt: 1_003_000 },
    });
    reporter.updated(event({ maxScore: 0.9 }));
    time.advance(5000);
    await settle();
    expect(calls).toHaveLength(3);
  });

  it('uploads the snapshot once the start returned the id', async () => {
    const { reporter, calls } = setup();
    const jpeg = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
    reporter.started(event());
    reporter.snapshot(event(), jpeg);
    await settle();
    await settle();
    expect(calls.map((c) => [c.method, c.eventId])).toEqual([
      ['start', undefined],
      ['snapshot', 'ev1'],
    ]);
    expect(calls[1]?.body).toBe(jpeg);
  });

  it('a refused start sends nothing more for that event; a failed end is retried', async () => {
    const { reporter, calls, errors, setFail } = setup();
    setFail('start');
    reporter.started(event());
    reporter.ended(event({ endedAt: 1_001_000 }));
    await settle();
    await settle();
    expect(calls.map((c) => c.method)).toEqual(['start']);
    expect(errors).toHaveLength(1);

    setFail(null);
    reporter.started(event({ localId: 'l2' }));
    await settle();
    setFail('update');
    reporter.ended(event({ localId: 'l2', endedAt: 1_002_000 }));
    for (let i = 0; i < 10; i++) await settle();
    const ends = calls.filter((c) => c.method === 'update');
    expect(ends).toHaveLength(3);
    expect(ends.every((c) => c.eventId === 'ev1')).toBe(true);
  });
});
