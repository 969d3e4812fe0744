import { describe, expect, it } from 'vitest';
import type { EventView } from '@porchlight/sdk';
import {
  formatDuration,
  formatScore,
  matchesFilter,
  upsertEvent,
} from '../../apps/home/src/components/events/eventText.ts';
import { NO_EVENTS_FILTER } from '../../apps/home/src/routing/routes.ts';

function ev(id: string, startedAt: number, patch: Partial<EventView> = {}): EventView {
  return {
    id,
    siteId: 's',
    deviceId: 'cam',
    deviceName: 'Cam',
    label: 'person',
    startedAt,
    endedAt: startedAt + 1000,
    maxScore: 0.5,
    zones: [],
    snapshotUrl: null,
    detector: { backend: 'wasm', model: 'centernet-512', msPerFrame: 160 },
    playFrom: startedAt - 5000,
    ...patch,
  };
}

describe('event text', () => {
  it('durations and scores read like a person would say them', () => {
    expect(formatDuration({ startedAt: 0, endedAt: null })).toBe('ongoing');
    expect(formatDuration({ startedAt: 0, endedAt: 44_600 })).toBe('45 s');
    expect(formatDuration({ startedAt: 0, endedAt: 200_000 })).toBe('3 min 20 s');
    expect(formatDuration({ startedAt: 0, endedAt: 3_900_000 })).toBe('1 h 05 min');
    expect(formatScore(0.634)).toBe('63 %');
  });

  it('a live event joins the list only when it matches the filter', () => {
    const filter = { ...NO_EVENTS_FILTER, deviceId: 'cam', zone: 'Path', from: 1000, to: 5000 };
    expect(matchesFilter(ev('a', 2000, { zones: ['Path'] }), filter)).toBe(true);
    expect(matchesFilter(ev('a', 2000, { zones: [] }), filter)).toBe(false);
    expect(matchesFilter(ev('a', 2000, { zones: ['Path'], deviceId: 'x' }), filter)).toBe(false);
    expect(matchesFilter(ev('a', 5000, { zones: ['Path'] }), filter)).toBe(false);
    expect(matchesFilter(ev('a', 999, { zones: ['Path'] }), filter)).toBe(false);
  });

  it('upserts newest first, replaces in place, and leaves pages not loaded alone', () => {
    const list = [ev('c', 3000), ev('b', 2000)];
    expect(upsertEvent(list, ev('d', 4000), false).map((e) => e.id)).toEqual(['d', 'c', 'b']);
    const ended = ev('c', 3000, { endedAt: 9000 });
    expect(upsertEvent(list, ended, false)[0]).toBe(ended);
    // Older than the oldest shown while more pages exist: it belongs to a page not loaded yet.
    expect(upsertEvent(list, ev('a', 1000), false).map((e) => e.id)).toEqual(['c', 'b']);
    expect(upsertEvent(list, ev('a', 1000), true).map((e) => e.id)).toEqual(['c', 'b', 'a']);
  });
});
