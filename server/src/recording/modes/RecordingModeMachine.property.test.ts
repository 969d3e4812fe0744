import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECORDING_MODES, type RecordingMode } from '../types.ts';
import { RecordingModeMachine, type PersistOrder } from './RecordingModeMachine.ts';
import { segmentEnd } from './spans.ts';
import { T0 } from './testSupport.ts';

const TYPES = ['person', 'doorbell', 'manual'] as const;

interface Seg {
  id: number;
  start: number;
  end: number;
  deliverAt: number;
}

/** Camera media: segments in order, sometimes after a hole, each delivered after it ends. */
const mediaArb = fc
  .array(
    fc.record({
      durationMs: fc.integer({ min: 200, max: 4000 }),
      holeMs: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 20_000 })),
      lagMs: fc.integer({ min: 0, max: 1500 }),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((parts) => {
    const segs: Seg[] = [];
    let t = T0;
    let delivered = T0;
    for (const [id, p] of parts.entries()) {
      const start = t + p.holeMs;
      t = start + p.durationMs;
      delivered = Math.max(delivered, t + p.lagMs);
      segs.push({ id, start, end: t, deliverAt: delivered });
    }
    return segs;
  });

type Step =
  | { at: number; kind: 'segment'; seg: Seg }
  | { at: number; kind: 'trigger'; type: string }
  | { at: number; kind: 'mode'; mode: RecordingMode; onDemandS: number | null };

/** Runs the steps in time order (deliveries first on a tie) with the clock at each step's time. */
function run(
  steps: Step[],
  settings: { mode: RecordingMode; preRollSeconds: number; postRollSeconds: number },
  check: (m: RecordingModeMachine<number>, step: Step) => void = () => {},
) {
  let now = T0;
  const m = new RecordingModeMachine<number>({
    settings,
    onDemandUntil: null,
    clock: () => now,
    preRollMarginMs: 0,
  });
  m.setProducers(true);
  /** What was handed over for writing, with the index of the step that did it. */
  const written: (PersistOrder<number> & { step: number })[] = [];
  const order = { segment: 0, trigger: 1, mode: 2 };
  const sorted = [...steps].sort((a, b) => a.at - b.at || order[a.kind] - order[b.kind]);
  for (const [i, step] of sorted.entries()) {
    now = step.at;
    if (step.kind === 'segment') {
      const d = m.segment({
        ref: step.seg.id,
        startMs: step.seg.start,
        durationMs: step.seg.end - step.seg.start,
      });
      written.push(...d.persist.map((p) => ({ ...p, step: i })));
    } else if (step.kind === 'trigger') {
      written.push(...m.trigger(step.type, now).persist.map((p) => ({ ...p, step: i })));
    } else {
      const until = step.onDemandS === null ? null : now + step.onDemandS * 1000;
      m.configure({ ...settings, mode: step.mode }, until);
    }
    check(m, step);
  }
  return { written, sorted };
}

const deliveries = (segs: Seg[]): Step[] =>
  segs.map((seg) => ({ at: seg.deliverAt, kind: 'segment', seg }));

describe('RecordingModeMachine properties', () => {
  it('event mode: persisted exactly where a window is, tagged by its windows, pre-roll kept, ring bounded', () => {
    fc.assert(
      fc.property(
        mediaArb,
        fc.array(fc.record({ offset: fc.nat(), type: fc.constantFrom(...TYPES) }), {
          maxLength: 8,
        }),
        // The API allows 5..; shorter pre-rolls stress the ring harder.
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (segs, rawTriggers, pre, post) => {
          const span = segs[segs.length - 1]!.deliverAt - T0 + 5000;
          const triggers = rawTriggers.map((t) => ({ at: T0 + (t.offset % span), type: t.type }));
          const preMs = pre * 1000;
          const minDur = Math.min(...segs.map((s) => s.end - s.start));
          const byId = new Map(segs.map((s) => [s.id, s]));
          const { written, sorted } = run(
            [...deliveries(segs), ...triggers.map((t) => ({ ...t, kind: 'trigger' as const }))],
            { mode: 'event', preRollSeconds: pre, postRollSeconds: post },
            (m) => {
              // Ring bounded: every entry is needed to cover the pre-roll back from the newest.
              const ring = m.ring;
              expect(ring.length).toBeLessThanOrEqual(Math.floor(preMs / minDur) + 2);
              if (ring.length >= 2) {
                const newest = ring[ring.length - 1]!;
                expect(ring[1]!.startMs).toBeGreaterThan(
                  segmentEnd(newest.startMs, newest.durationMs) - preMs,
                );
              }
            },
          );
          const windows = sorted.flatMap((t, step) =>
            t.kind === 'trigger'
              ? [{ ...t, step, from: t.at - preMs, until: t.at + post * 1000 }]
              : [],
          );
          const inWindow = (s: Seg, w: { from: number; until: number }) =>
            w.from < s.end && w.until > s.start;
          const ids = written.map((w) => w.ref);
          expect(new Set(ids).size).toBe(ids.length);
          const starts = ids.map((id) => byId.get(id)!.start);
          expect(starts).toStrictEqual([...starts].sort((a, b) => a - b));
          for (const s of segs) {
            const should = windows.some((w) => inWindow(s, w));
            expect(ids.includes(s.id), `segment ${s.id}`).toBe(should);
          }
          for (const w of written) {
            const s = byId.get(w.ref)!;
            const types = windows
              .filter((x) => x.step <= w.step && inWindow(s, x))
              .map((x) => x.type);
            expect(w.tags).toStrictEqual([...new Set(types)].sort());
          }
          // Pre-roll: when media covers [at - pre-roll, at] without a hole, the persisted media
          // starts at least the pre-roll before the event.
          for (const w of windows) {
            const covering = segs.filter((s) => s.end > w.from && s.start < w.at);
            const contiguous = covering.every(
              (s, i) => i === 0 || s.start === covering[i - 1]!.end,
            );
            if (covering.length && covering[0]!.start <= w.from && contiguous) {
              expect(covering.every((s) => ids.includes(s.id))).toBe(true);
              expect(Math.min(...covering.map((s) => s.start))).toBeLessThanOrEqual(w.from);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('any modes: nothing written twice or out of order; ring only in event mode; continuous keeps all', () => {
    fc.assert(
      fc.property(
        mediaArb,
        fc.array(
          fc.record({
            offset: fc.nat(),
            mode: fc.constantFrom(...RECORDING_MODES),
            onDemandS: fc.option(fc.integer({ min: 1, max: 60 })),
          }),
          { maxLength: 6 },
        ),
        fc.array(fc.record({ offset: fc.nat(), type: fc.constantFrom(...TYPES) }), {
          maxLength: 6,
        }),
        fc.constantFrom(...RECORDING_MODES),
        (segs, rawModes, rawTriggers, initial) => {
          const span = segs[segs.length - 1]!.deliverAt - T0 + 5000;
          const steps: Step[] = [
            ...deliveries(segs),
            ...rawModes.map((c) => ({ ...c, at: T0 + (c.offset % span), kind: 'mode' as const })),
            ...rawTriggers.map((t) => ({
              ...t,
              at: T0 + (t.offset % span),
              kind: 'trigger' as const,
            })),
          ];
          const { written } = run(
            steps,
            { mode: initial, preRollSeconds: 6, postRollSeconds: 4 },
            (m) => {
              if (m.settings.mode !== 'event') expect(m.ring).toHaveLength(0);
              const d = m.tick();
              expect(d.recorderWanted).toBe(
                m.settings.mode !== 'off' && (m.settings.mode !== 'on-demand' || d.wakeAt !== null),
              );
            },
          );
          const ids = written.map((w) => w.ref);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids).toStrictEqual([...ids].sort((a, b) => a - b));
          if (rawModes.length === 0 && initial === 'continuous')
            expect(ids).toStrictEqual(segs.map((s) => s.id));
          if (rawModes.length === 0 && initial !== 'continuous' && initial !== 'event')
            expect(ids).toStrictEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
