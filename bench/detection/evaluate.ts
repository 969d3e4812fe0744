/**
 * Accuracy of the detection pipeline on detector output (JSON lines of `npm run detect`): builds
 * timelines from the fixture clips at a live detection rate, feeds them through the
 * EventAssembler at given settings and scores the result against groundTruth.json.
 */
import { z } from 'zod';
import {
  EventAssembler,
  filterDetections,
  iou,
  type Detection,
  type DetectionEvent,
  type PipelineFrame,
} from '@porchlight/detector';
import { BoxSchema, type Box, type DetectionSettings } from '@porchlight/protocol';

/** One line of the detect CLI. */
export const DetectLineSchema = z.object({
  file: z.string().min(1),
  frame: z.number().int().nonnegative(),
  persons: z.array(
    z.object({ score: z.number().min(0).max(1), box: z.array(z.number()).length(4) }),
  ),
  ms: z.number().nonnegative(),
});
export type DetectLine = z.infer<typeof DetectLineSchema>;

export const GroundTruthSchema = z.object({
  videos: z.record(
    z.string(),
    z.object({
      fps: z.number().positive(),
      frames: z.number().int().positive(),
      people: z.array(z.tuple([z.number().int(), z.number().int()])),
      staticNonPersons: z.array(z.object({ what: z.string(), box: BoxSchema })).optional(),
    }),
  ),
  stills: z.record(z.string(), z.boolean()),
});
export type GroundTruth = z.infer<typeof GroundTruthSchema>;

/** Detector output per file: frame index -> persons. */
export type Detections = Map<string, Map<number, DetectLine['persons']>>;

export function parseLines(text: string): Detections {
  const out: Detections = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('{')) continue; // npm / CLI chatter
    const parsed = DetectLineSchema.safeParse(JSON.parse(line));
    if (!parsed.success)
      throw new Error(`bad detect line: ${line.slice(0, 120)}: ${parsed.error.message}`);
    const file = parsed.data.file.split('/').pop() ?? parsed.data.file;
    let frames = out.get(file);
    if (!frames) out.set(file, (frames = new Map()));
    frames.set(parsed.data.frame, parsed.data.persons);
  }
  return out;
}

/** A processed frame of a timeline: which clip frame, and whether a person is in it. */
interface TimelineFrame {
  t: number;
  file: string;
  frame: number;
  person: boolean;
  /** Index of the ground-truth event (vtest piece) it belongs to, -1 for empty footage. */
  piece: number;
}

export interface ScenarioOptions {
  /** Detections per second the live session manages (2 cores, wasm SIMD: ~3-5). */
  rate: number;
  /** Seconds of vtest per piece; each piece is one ground-truth event. */
  pieces: number[];
  /** Seconds of foliage before each piece and at the end (longer than the cooldown). */
  gapSeconds: number;
}

export const DEFAULT_SCENARIO: ScenarioOptions = {
  rate: 5,
  pieces: [2, 3, 5, 8, 10, 15, 20, 16.5],
  gapSeconds: 15,
};

const T0 = 1_750_000_000_000;

/** Frames of tree.avi 0..n-1 back and forth (foliage without a person) at `rate` per second. */
function foliage(gt: GroundTruth, seconds: number, rate: number, t: number): TimelineFrame[] {
  const tree = gt.videos['tree.avi'];
  if (!tree) throw new Error('groundTruth: tree.avi missing');
  const out: TimelineFrame[] = [];
  const n = tree.frames;
  for (let i = 0; i < Math.round(seconds * rate); i++) {
    const k = Math.floor((i * tree.fps) / rate) % (2 * n - 2);
    const frame = k < n ? k : 2 * n - 2 - k;
    out.push({ t: t + (i * 1000) / rate, file: 'tree.avi', frame, person: false, piece: -1 });
  }
  return out;
}

/** Foliage, then vtest pieces with foliage between them: ground-truth events are the pieces. */
export function spliced(gt: GroundTruth, o: ScenarioOptions): TimelineFrame[] {
  const vtest = gt.videos['vtest.avi'];
  if (!vtest) throw new Error('groundTruth: vtest.avi missing');
  const out: TimelineFrame[] = [];
  let t = T0;
  let start = 0; // vtest frame
  o.pieces.forEach((seconds, piece) => {
    const gap = foliage(gt, o.gapSeconds, o.rate, t);
    out.push(...gap);
    t += o.gapSeconds * 1000;
    const count = Math.round(seconds * o.rate);
    for (let i = 0; i < count; i++) {
      const frame = Math.min(vtest.frames - 1, start + Math.floor((i * vtest.fps) / o.rate));
      const person = vtest.people.some(([a, b]) => frame >= a && frame <= b);
      out.push({ t: t + (i * 1000) / o.rate, file: 'vtest.avi', frame, person, piece });
    }
    t += seconds * 1000;
    start += Math.round(seconds * vtest.fps);
  });
  out.push(...foliage(gt, o.gapSeconds, o.rate, t));
  return out;
}

export interface Metrics {
  frames: { tp: number; fp: number; fn: number; tn: number; precision: number; recall: number };
  events: {
    truth: number;
    emitted: number;
    matchedTruth: number;
    matchedEmitted: number;
    precision: number;
    recall: number;
  };
  /** Confirmed tracks, and those standing on a labelled non-person spot. */
  tracks: { confirmed: number; onStaticNonPerson: number };
  /** Seconds from a piece's start to the `started` callback (median over matched pieces): the notification delay. */
  medianDelaySeconds: number;
}

function framePersons(det: Detections, f: { file: string; frame: number }): DetectLine['persons'] {
  const frames = det.get(f.file);
  if (!frames) throw new Error(`no detector output for ${f.file}`);
  const persons = frames.get(f.frame);
  if (!persons) throw new Error(`no detector output for ${f.file} frame ${f.frame}`);
  return persons;
}

/** Runs the pipeline over a timeline and scores it. */
export function evaluate(
  gt: GroundTruth,
  det: Detections,
  timeline: TimelineFrame[],
  settings: DetectionSettings,
): { metrics: Metrics; events: DetectionEvent[] } {
  const events: DetectionEvent[] = [];
  const startedAt = new Map<string, number>();
  let now = 0;
  const assembler = new EventAssembler(
    settings,
    { started: (ev) => startedAt.set(ev.localId, now), ended: (ev) => events.push(ev) },
    { newId: () => `ev${startedAt.size + 1}` },
  );
  const confirmed = new Map<number, Box[]>();
  const spots = gt.videos['vtest.avi']?.staticNonPersons ?? [];
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const f of timeline) {
    const persons = framePersons(det, f).map(toDetection);
    const frame: PipelineFrame = { t: f.t, persons, ran: true };
    now = f.t;
    const seen = assembler.push(frame);
    const said = seen.length > 0;
    if (said && f.person) tp++;
    else if (said) fp++;
    else if (f.person) fn++;
    else tn++;
    for (const track of assembler.tracks) {
      if (!track.confirmed || track.lastSeen !== f.t) continue;
      const boxes = confirmed.get(track.id) ?? [];
      boxes.push(track.box);
      confirmed.set(track.id, boxes);
    }
  }
  assembler.flush();
  const onSpot = [...confirmed.values()].filter((boxes) => {
    const hits = boxes.filter((b) => spots.some((s) => iou(s.box, b) >= 0.3)).length;
    return hits > boxes.length / 2;
  }).length;

  const truths = new Map<number, [number, number]>();
  for (const f of timeline) {
    if (f.piece < 0) continue;
    const r = truths.get(f.piece);
    truths.set(f.piece, r ? [r[0], f.t] : [f.t, f.t]);
  }
  const overlaps = (ev: DetectionEvent, [a, b]: [number, number]): boolean =>
    ev.startedAt <= b && (ev.endedAt ?? Infinity) >= a;
  const matchedTruth = [...truths.values()].filter((r) =>
    events.some((ev) => overlaps(ev, r)),
  ).length;
  const matchedEmitted = events.filter((ev) =>
    [...truths.values()].some((r) => overlaps(ev, r)),
  ).length;
  const delays = [...truths.values()]
    .map((r) => events.find((ev) => overlaps(ev, r)))
    .map((ev, i) =>
      ev ? ((startedAt.get(ev.localId) ?? NaN) - ([...truths.values()][i]?.[0] ?? 0)) / 1000 : null,
    )
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
  const metrics: Metrics = {
    frames: { tp, fp, fn, tn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn) },
    events: {
      truth: truths.size,
      emitted: events.length,
      matchedTruth,
      matchedEmitted,
      precision: ratio(matchedEmitted, events.length),
      recall: ratio(matchedTruth, truths.size),
    },
    tracks: { confirmed: confirmed.size, onStaticNonPerson: onSpot },
    medianDelaySeconds: delays[Math.floor(delays.length / 2)] ?? NaN,
  };
  return { metrics, events };
}

/** Events over `seconds` of foliage alone (goal: none). */
export function foliageEvents(
  gt: GroundTruth,
  det: Detections,
  seconds: number,
  rate: number,
  settings: DetectionSettings,
): number {
  return evaluate(gt, det, foliage(gt, seconds, rate, T0), settings).events.length;
}

/** Per-image presence on the stills, after the per-detection filters. */
export function stills(
  gt: GroundTruth,
  det: Detections,
  settings: DetectionSettings,
): { file: string; truth: boolean; kept: number; best: number }[] {
  return Object.entries(gt.stills).map(([file, truth]) => {
    const persons = framePersons(det, { file, frame: 0 }).map(toDetection);
    const kept = filterDetections(persons, settings);
    return { file, truth, kept: kept.length, best: Math.max(0, ...persons.map((p) => p.score)) };
  });
}

/** Per-frame presence on whole vtest after the filters (no tracking): the detector's recall. */
export function vtestFilterRecall(
  gt: GroundTruth,
  det: Detections,
  settings: DetectionSettings,
): number {
  const v = gt.videos['vtest.avi'];
  if (!v) return NaN;
  let hit = 0;
  for (let frame = 0; frame < v.frames; frame++) {
    const persons = framePersons(det, { file: 'vtest.avi', frame }).map(toDetection);
    if (filterDetections(persons, settings).length > 0) hit++;
  }
  return hit / v.frames;
}

function toDetection(p: DetectLine['persons'][number]): Detection {
  return { score: p.score, box: [p.box[0] ?? 0, p.box[1] ?? 0, p.box[2] ?? 0, p.box[3] ?? 0] };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}
