import { describe, expect, it } from 'vitest';
import { RECORDING_MODES } from '../types.ts';
import { RecordingModeMachine } from './RecordingModeMachine.ts';
import { ModeSim, T0 } from './testSupport.ts';

// Media in these tests: segment i covers [T0 + 2000 i, T0 + 2000 (i + 1)) and reaches the machine
// 600 ms after it ends, unless said otherwise. Pre-roll 6 s, post-roll 4 s.
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('RecordingModeMachine: whether a recorder runs', () => {
  it.each(RECORDING_MODES)('%s: only while the camera publishes', (mode) => {
    const sim = new ModeSim({ mode }, { producers: false, onDemandUntil: T0 + 60_000 });
    expect(sim.machine.tick().recorderWanted).toBe(false);
    expect(sim.machine.setProducers(true).recorderWanted).toBe(mode !== 'off');
    expect(sim.machine.setProducers(false).recorderWanted).toBe(false);
  });

  it('wakes up only for an on-demand deadline', () => {
    for (const mode of RECORDING_MODES) {
      const sim = new ModeSim({ mode }, { onDemandUntil: T0 + 60_000 });
      expect(sim.machine.tick().wakeAt).toBe(mode === 'on-demand' ? T0 + 60_000 : null);
    }
  });
});

describe('RecordingModeMachine: continuous and off', () => {
  it('continuous persists every segment in order, tagged where an event window overlaps it', () => {
    const sim = new ModeSim({ mode: 'continuous' });
    sim.media(T0, 10);
    sim.until(T0 + 5000);
    // Window [T0 - 1000, T0 + 9000): segments 0..4.
    expect(sim.trigger('person').toString()).toBe(String(T0 + 9000));
    sim.until(T0 + 30_000);
    expect(sim.ids()).toStrictEqual(range(0, 9));
    // 0 and 1 were written before the event (tags are fixed when a segment is written).
    expect(range(0, 9).map((i) => sim.tagsOf(i)!.join())).toStrictEqual([
      ...['', ''],
      ...Array<string>(3).fill('person'),
      ...Array<string>(5).fill(''),
    ]);
    expect(sim.machine.ring).toHaveLength(0);
    expect(sim.machine.persisting).toBe(true);
  });

  it('off persists nothing, not even around an event', () => {
    const sim = new ModeSim({ mode: 'off' });
    sim.media(T0, 10);
    sim.until(T0 + 11_000);
    expect(sim.trigger('doorbell')).toBe(T0 + 15_000);
    sim.until(T0 + 30_000);
    expect(sim.persisted).toStrictEqual([]);
    expect([...sim.fates.values()].every((f) => f === 'dropped')).toBe(true);
    expect(sim.machine.ring).toHaveLength(0);
    expect(sim.machine.persisting).toBe(false);
  });
});

describe('RecordingModeMachine: event mode', () => {
  it('keeps only the fewest whole segments that cover the pre-roll until a trigger', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.media(T0, 20);
    sim.until(T0 + 20_600);
    expect(sim.persisted).toStrictEqual([]);
    expect(sim.machine.ring.map((s) => s.ref)).toStrictEqual([7, 8, 9]);
    expect(sim.machine.persisting).toBe(false);
  });

  it('pre-roll exactly covering N segments: a trigger on a boundary persists exactly those N', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.media(T0, 20, 2000, 0);
    sim.until(T0 + 20_000);
    expect(sim.trigger('person')).toBe(T0 + 24_000);
    expect(sim.ids()).toStrictEqual([7, 8, 9]);
    expect(sim.segments[7]!.startMs).toBe(T0 + 20_000 - 6000);
    sim.until(T0 + 40_000);
    // Post-roll [T0 + 20 s, T0 + 24 s): segments 10 and 11; 12 starts at the window's end.
    expect(sim.ids()).toStrictEqual(range(7, 11));
    expect(sim.fates.get(12)).toBe('ringed');
    expect(sim.persisted.every((p) => p.tags.join() === 'person')).toBe(true);
  });

  it('a trigger inside a segment keeps the segment in progress and at least the pre-roll before it', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.media(T0, 20);
    sim.until(T0 + 21_000);
    const at = sim.now;
    sim.trigger('person');
    expect(sim.ids()).toStrictEqual([7, 8, 9]);
    expect(sim.machine.persisting).toBe(true);
    sim.until(T0 + 40_000);
    // Window [at - 6 s, at + 4 s) = [T0 + 15 s, T0 + 25 s): 12 starts inside it, 13 after.
    expect(sim.ids()).toStrictEqual(range(7, 12));
    expect(sim.segments[7]!.startMs).toBeLessThanOrEqual(at - 6000);
    expect(sim.fates.get(13)).toBe('ringed');
    expect(sim.machine.persisting).toBe(false);
    // The ring refills for the next event.
    expect(sim.machine.ring.map((s) => s.ref)).toStrictEqual([16, 17, 18]);
  });

  it('a trigger during the post-roll extends the window: no gap, no duplicate', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.media(T0, 20);
    sim.until(T0 + 21_000);
    expect(sim.trigger('person')).toBe(T0 + 25_000);
    sim.until(T0 + 24_000);
    expect(sim.trigger('person')).toBe(T0 + 28_000);
    sim.until(T0 + 40_000);
    expect(sim.ids()).toStrictEqual(range(7, 13));
    expect(sim.fates.get(14)).toBe('ringed');
  });

  it('a late trigger naming an earlier start keeps the pre-roll before that start (ring margin)', () => {
    const sim = new ModeSim({ mode: 'event' }, { preRollMarginMs: 5000 });
    sim.media(T0, 30);
    // The event began at T0 + 21 s; its trigger arrives 3 s later.
    sim.until(T0 + 24_000);
    const since = T0 + 21_000;
    // The ring holds pre-roll + margin: the fewest whole segments covering 11 s.
    expect(sim.machine.ring.map((s) => s.ref)).toStrictEqual([5, 6, 7, 8, 9, 10]);
    expect(sim.trigger('person', sim.now, since)).toBe(T0 + 28_000);
    // Window [since - 6 s, now + 4 s) = [T0 + 15 s, T0 + 28 s): 7.. persisted; 5 and 6 are not.
    expect(sim.ids()).toStrictEqual([7, 8, 9, 10]);
    expect(sim.segments[7]!.startMs).toBeLessThanOrEqual(since - 6000);
    sim.until(T0 + 60_000);
    expect(sim.ids()).toStrictEqual(range(7, 13));
  });

  it('without the margin a late trigger loses part of the pre-roll; a start after now counts as now', () => {
    const late = new ModeSim({ mode: 'event' });
    late.media(T0, 30);
    late.until(T0 + 24_000);
    late.trigger('person', late.now, T0 + 21_000);
    // The ring only held 6 s back from the newest segment's end (T0 + 22 s): from T0 + 16 s.
    expect(late.segments[late.ids()[0]!]!.startMs).toBeGreaterThan(T0 + 15_000);

    const ahead = new ModeSim({ mode: 'event' }, { preRollMarginMs: 5000 });
    ahead.media(T0, 30);
    ahead.until(T0 + 21_000);
    ahead.trigger('person', ahead.now, T0 + 90_000);
    // Window [T0 + 15 s, T0 + 25 s), as a trigger at now.
    expect(ahead.ids()).toStrictEqual([7, 8, 9]);
  });

  it('overlapping events of different types: each segment carries the types overlapping it when written', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.media(T0, 20);
    sim.until(T0 + 21_000);
    sim.trigger('person'); // [T0 + 15 s, T0 + 25 s)
    sim.until(T0 + 23_000);
    sim.trigger('doorbell'); // [T0 + 17 s, T0 + 27 s)
    sim.until(T0 + 40_000);
    expect(sim.ids()).toStrictEqual(range(7, 13));
    // 7..10 were written before the doorbell rang: tags are fixed when a segment is written.
    expect(range(7, 13).map((i) => sim.tagsOf(i)!.join())).toStrictEqual([
      'person',
      'person',
      'person',
      'person',
      'doorbell,person',
      'doorbell,person',
      'doorbell',
    ]);
    expect(sim.machine.eventUntil).toBe(T0 + 27_000);
  });

  it('an event raised before any media persists what arrives inside its window', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.trigger('manual');
    sim.media(T0 + 1000, 5);
    sim.until(T0 + 20_000);
    // Window [T0 - 6 s, T0 + 4 s): segments [1,3) and [3,5) s.
    expect(sim.ids()).toStrictEqual([0, 1]);
  });
});

describe('RecordingModeMachine: mode changes while recording', () => {
  it('continuous → event: the segment in progress is kept, later ones wait in the ring', () => {
    const sim = new ModeSim({ mode: 'continuous' });
    sim.media(T0, 20);
    sim.until(T0 + 21_000);
    expect(sim.configure({ mode: 'event' }).recorderWanted).toBe(true);
    sim.until(T0 + 30_000);
    expect(sim.ids()).toStrictEqual(range(0, 10));
    expect(sim.fates.get(11)).toBe('ringed');
  });

  it('event → continuous: everything from the switch on, the segment in progress included', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.media(T0, 20);
    sim.until(T0 + 21_000);
    sim.configure({ mode: 'continuous' });
    expect(sim.machine.ring).toHaveLength(0);
    sim.until(T0 + 41_000);
    expect(sim.ids()).toStrictEqual(range(10, 19));
  });

  it('event → off inside a window: kept up to the switch, nothing after', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.media(T0, 20);
    sim.until(T0 + 21_000);
    sim.trigger('person');
    sim.until(T0 + 23_000);
    expect(sim.configure({ mode: 'off' }).recorderWanted).toBe(false);
    sim.until(T0 + 40_000);
    // 11 ([22 s, 24 s)) was being recorded at the switch; 12 would have been in the post-roll.
    expect(sim.ids()).toStrictEqual(range(7, 11));
    expect(sim.fates.get(12)).toBe('dropped');
  });

  it('continuous → off or on-demand: the recorder stops and its last segment is still written', () => {
    for (const mode of ['off', 'on-demand'] as const) {
      const sim = new ModeSim({ mode: 'continuous' });
      sim.media(T0, 20);
      sim.until(T0 + 21_000);
      expect(sim.configure({ mode }).recorderWanted).toBe(false);
      sim.until(T0 + 40_000);
      expect(sim.ids(), mode).toStrictEqual(range(0, 10));
      expect(sim.machine.persisting).toBe(false);
    }
  });

  it('off → continuous or event starts a recorder; nothing from before the switch is kept', () => {
    for (const mode of ['continuous', 'event'] as const) {
      const sim = new ModeSim({ mode: 'off' });
      sim.media(T0, 20);
      sim.until(T0 + 10_000);
      expect(sim.configure({ mode }).recorderWanted).toBe(true);
      sim.until(T0 + 41_000);
      // Segment 4 ends on the switch: it was recorded while off.
      expect(sim.ids(), mode).toStrictEqual(mode === 'continuous' ? range(5, 19) : []);
    }
  });

  it('event → on-demand without a deadline: the recorder stops and the ring is forgotten', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.media(T0, 20);
    sim.until(T0 + 21_000);
    expect(sim.configure({ mode: 'on-demand' }, null).recorderWanted).toBe(false);
    expect(sim.machine.ring).toHaveLength(0);
    expect(sim.trigger('person')).toBe(T0 + 25_000);
    sim.until(T0 + 40_000);
    expect(sim.persisted).toStrictEqual([]);
  });

  it('changing the pre-roll applies to the next trigger', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.media(T0, 20);
    sim.until(T0 + 20_600);
    sim.configure({ preRollSeconds: 10 });
    sim.until(T0 + 30_600); // segment 14 ends at T0 + 30 s
    sim.trigger('person');
    expect(sim.segments[sim.ids()[0]!]!.startMs).toBeLessThanOrEqual(sim.now - 10_000);
  });
});

describe('RecordingModeMachine: on-demand', () => {
  it('without a deadline: no recorder, nothing persisted', () => {
    const sim = new ModeSim({ mode: 'on-demand' });
    sim.media(T0, 5);
    sim.until(T0 + 20_000);
    expect(sim.machine.tick()).toStrictEqual({ recorderWanted: false, wakeAt: null });
    expect(sim.persisted).toStrictEqual([]);
  });

  it('the deadline passing between segments: what started before it is kept, wake-up at the deadline', () => {
    const sim = new ModeSim({ mode: 'on-demand' });
    expect(sim.configure({}, T0 + 10_000)).toStrictEqual({
      recorderWanted: true,
      wakeAt: T0 + 10_000,
    });
    sim.media(T0, 10);
    sim.until(T0 + 10_000);
    expect(sim.machine.tick()).toStrictEqual({ recorderWanted: false, wakeAt: null });
    sim.until(T0 + 30_000);
    // Segment 4 ends on the deadline and arrives after it; 5 starts on it.
    expect(sim.ids()).toStrictEqual(range(0, 4));
    expect(sim.fates.get(5)).toBe('dropped');
  });

  it('a deadline inside a segment keeps that segment whole', () => {
    const sim = new ModeSim({ mode: 'on-demand' });
    sim.configure({}, T0 + 9000);
    sim.media(T0, 10);
    sim.until(T0 + 30_000);
    expect(sim.ids()).toStrictEqual(range(0, 4));
  });

  it('stop before the deadline: the segment in progress is kept, then nothing', () => {
    const sim = new ModeSim({ mode: 'on-demand' });
    sim.configure({}, T0 + 60_000);
    sim.media(T0, 20);
    sim.until(T0 + 7000);
    expect(sim.configure({}, null)).toStrictEqual({ recorderWanted: false, wakeAt: null });
    sim.until(T0 + 40_000);
    expect(sim.ids()).toStrictEqual(range(0, 3));
  });

  it('extending the deadline moves the wake-up; the recording stays contiguous', () => {
    const sim = new ModeSim({ mode: 'on-demand' });
    sim.configure({}, T0 + 10_000);
    sim.media(T0, 20);
    sim.until(T0 + 8000);
    expect(sim.configure({}, T0 + 20_000).wakeAt).toBe(T0 + 20_000);
    sim.until(T0 + 40_000);
    expect(sim.ids()).toStrictEqual(range(0, 9));
    expect(sim.machine.persistSpans).toStrictEqual([{ from: T0, until: T0 + 20_000 }]);
  });

  it('a deadline still ahead at restart resumes the recording', () => {
    const sim = new ModeSim({ mode: 'on-demand' }, { onDemandUntil: T0 + 6000 });
    expect(sim.machine.tick()).toStrictEqual({ recorderWanted: true, wakeAt: T0 + 6000 });
    sim.media(T0 + 500, 5);
    sim.until(T0 + 20_000);
    expect(sim.ids()).toStrictEqual([0, 1, 2]);
  });

  it('a deadline in the past at restart: no recorder, no wake-up, nothing persisted', () => {
    const sim = new ModeSim({ mode: 'on-demand' }, { onDemandUntil: T0 - 1 });
    expect(sim.machine.tick()).toStrictEqual({ recorderWanted: false, wakeAt: null });
    sim.media(T0, 5);
    sim.until(T0 + 20_000);
    expect(sim.persisted).toStrictEqual([]);
    expect(sim.machine.onDemandUntil).toBe(T0 - 1);
  });

  it('a deadline is ignored in other modes and resumes when on-demand comes back before it', () => {
    const sim = new ModeSim({ mode: 'on-demand' });
    sim.configure({}, T0 + 30_000);
    expect(sim.configure({ mode: 'continuous' })).toStrictEqual({
      recorderWanted: true,
      wakeAt: null,
    });
    sim.until(T0 + 10_000);
    expect(sim.configure({ mode: 'on-demand' })).toStrictEqual({
      recorderWanted: true,
      wakeAt: T0 + 30_000,
    });
    sim.until(T0 + 30_000);
    expect(sim.machine.tick().recorderWanted).toBe(false);
  });

  it('a timer firing early gets the same wake-up time back', () => {
    const sim = new ModeSim({ mode: 'on-demand' });
    sim.configure({}, T0 + 10_000);
    sim.until(T0 + 9999);
    expect(sim.machine.tick()).toStrictEqual({ recorderWanted: true, wakeAt: T0 + 10_000 });
  });
});

describe('RecordingModeMachine: the clock', () => {
  it('a small step back neither reopens a passed deadline nor moves an event window back', () => {
    const sim = new ModeSim({ mode: 'on-demand' });
    sim.configure({}, T0 + 10_000);
    sim.until(T0 + 10_500);
    expect(sim.machine.tick().recorderWanted).toBe(false);
    sim.now = T0 + 8000; // NTP stepped back 2.5 s
    expect(sim.machine.tick()).toStrictEqual({ recorderWanted: false, wakeAt: null });

    const ev = new ModeSim({ mode: 'event' });
    ev.media(T0, 20);
    ev.until(T0 + 21_000);
    ev.machine.tick();
    ev.now = T0 + 18_000;
    // Judged at T0 + 21 s, the machine's time: the post-roll still covers the media that follows.
    expect(ev.trigger('person')).toBe(T0 + 25_000);
    ev.until(T0 + 40_000);
    expect(ev.ids()).toStrictEqual(range(7, 12));
  });

  it('a large step back is a correction: the machine takes the new time', () => {
    const sim = new ModeSim({ mode: 'on-demand' });
    sim.configure({}, T0 + 10_000);
    sim.until(T0 + 10_500);
    sim.now = T0 - 3_600_000;
    expect(sim.machine.tick()).toStrictEqual({ recorderWanted: true, wakeAt: T0 + 10_000 });
    expect(sim.trigger('person')).toBe(T0 - 3_600_000 + 4000);
  });

  it('segments whose camera time runs backwards (a new run on a corrected clock) keep the ring bounded', () => {
    const sim = new ModeSim({ mode: 'event' });
    sim.media(T0, 10);
    sim.until(T0 + 30_000);
    sim.media(T0 - 60_000, 10).forEach((s) => (s.deliverAt = T0 + 40_000));
    sim.until(T0 + 40_000);
    expect(sim.machine.ring.length).toBeLessThanOrEqual(4);
    expect(sim.persisted).toStrictEqual([]);
  });
});

describe('RecordingModeMachine: bad input', () => {
  const settings = { mode: 'event', preRollSeconds: 6, postRollSeconds: 4 } as const;
  const machine = () =>
    new RecordingModeMachine<number>({ settings, onDemandUntil: null, clock: () => T0 });

  it('refuses durations that are negative or not numbers', () => {
    for (const bad of [-1, Number.NaN, Infinity]) {
      expect(() => machine().configure({ ...settings, preRollSeconds: bad }, null)).toThrow(
        RangeError,
      );
      expect(
        () =>
          new RecordingModeMachine({
            settings: { ...settings, postRollSeconds: bad },
            onDemandUntil: null,
            clock: () => T0,
          }),
      ).toThrow(RangeError);
    }
  });

  it('refuses segments and events without a time', () => {
    const m = machine();
    expect(() => m.segment({ ref: 1, startMs: Number.NaN, durationMs: 2000 })).toThrow(RangeError);
    expect(() => m.segment({ ref: 1, startMs: T0, durationMs: -1 })).toThrow(RangeError);
    expect(() => m.trigger('', T0)).toThrow(RangeError);
    expect(() => m.trigger('person', Number.NaN)).toThrow(RangeError);
    // Nothing was recorded by the refused calls.
    expect(m.eventUntil).toBe(0);
    expect(m.ring).toHaveLength(0);
  });
});
