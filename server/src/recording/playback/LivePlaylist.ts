import { ErrorCode } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import type { RecordingIndex } from '../index/RecordingIndex.ts';
import type { LiveParts } from '../live/LiveParts.ts';
import { segmentBytes, type LiveSegment } from '../live/LiveStream.ts';
import { waitForChange, type WaitTimers } from '../live/waitForChange.ts';
import type { RecordingRun } from '../types.ts';
import {
  blockingVerdict,
  liveEdge,
  mediaPlaylist,
  type LowLatency,
  type PartView,
  type PlaylistSegment,
} from './playlists.ts';

/**
 * Default EXT-X-PART-INF:PART-TARGET. The recorder's fragments (ffmpeg `-frag_duration 0.5 s`)
 * end at the first frame at or past 0.5 s: 0.50-0.58 s measured at 30 fps, plus a short last
 * part before a keyframe. RFC 8216bis wants every part <= PART-TARGET and every part but a
 * segment's last >= 85 % of it: 0.5 / 0.85 = 0.588 s is the largest target the 0.5 s parts meet.
 */
export const DEFAULT_PART_TARGET_MS = 588;
/** Complete segments that still list their parts behind the one being written (~2 target
 * durations: RFC 8216bis asks for parts of at least the last 3 target durations of media). */
const PART_SEGMENTS = 2;

export interface LivePlaylistDeps {
  index: Pick<RecordingIndex, 'latestSegments' | 'getRun' | 'listRuns'>;
  live: LiveParts;
  segmentMs: number;
  liveWindowSegments: number;
  /** Default DEFAULT_PART_TARGET_MS. */
  partTargetMs?: number;
  /** Longest a blocking reload or preload-hint request waits. Default 3 × segmentMs. */
  blockTimeoutMs?: number;
  /** Default: real timers. */
  timers?: WaitTimers;
  /** The clock of the live edge (LiveParts' `now`). Default Date.now. */
  now?: () => number;
}

/** A part or segment served from memory, with the camera time its segment starts. */
export interface LiveBytes {
  bytes: Buffer;
  producerTime: number;
  durationMs: number;
}

interface Rendered {
  segments: PlaylistSegment[];
  runs: Map<string, RecordingRun>;
  ll: LowLatency;
}

function view(s: LiveSegment): PlaylistSegment {
  return {
    seq: s.msn,
    runId: s.runId,
    producerTime: s.producerTime,
    durationMs: Math.max(1, Math.round(s.durationMs)),
  };
}

/** Camera-time bounds of a ranged playback URL (null = unbounded). */
export interface LiveRange {
  from: number | null;
  to: number | null;
}

function inRange(r: LiveRange, s: { producerTime: number; durationMs: number }): boolean {
  if (r.from !== null && s.producerTime + s.durationMs <= r.from) return false;
  return r.to === null || s.producerTime < r.to;
}

/** The playlist state cut to a ranged URL's bounds: nothing outside them is listed. */
function within(s: Rendered, range: LiveRange | undefined): Rendered {
  if (!range || (range.from === null && range.to === null)) return s;
  const segments = s.segments.filter((x) => inRange(range, x));
  const kept = new Set(segments.map((x) => x.seq));
  // The open segment ends now or later: listed while it starts before `to` (and has reached `from`).
  const open = s.ll.open !== null && inRange(range, s.ll.open) ? s.ll.open : null;
  return {
    segments,
    runs: s.runs,
    ll: {
      ...s.ll,
      parts: new Map([...s.ll.parts].filter(([seq]) => kept.has(seq))),
      open,
      // Past the range's end nothing more will be listed: no preload hint to wait on.
      idle: s.ll.idle === true || (range.to !== null && open === null && s.ll.open !== null),
    },
  };
}

/** How many parts ahead of the last one a part request may wait for (a preload hint is 1). */
const UPCOMING_PARTS = 3;

/** A part about to be written: worth waiting for (anything else is gone or bogus). */
function upcoming(segments: readonly LiveSegment[], msn: number, index: number): boolean {
  const last = segments[segments.length - 1];
  if (!last) return index < UPCOMING_PARTS;
  if (msn === last.msn && !last.complete) return index < last.parts.length + UPCOMING_PARTS;
  return msn === last.msn + 1 && index < UPCOMING_PARTS;
}

function parts(s: LiveSegment): PartView[] {
  return s.parts.map((p) => ({ durationMs: p.durationMs, independent: p.independent }));
}

/**
 * The live LL-HLS playlist of a device: indexed segments, then the just-finished ones still on
 * their way to storage, then the parts of the one being written, all from the device's
 * `LiveStream`; and the blocking reloads and preload-hint requests that wait for the edge.
 */
export class LivePlaylist {
  readonly #d: LivePlaylistDeps;
  readonly #partTargetMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;

  constructor(deps: LivePlaylistDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#partTargetMs = deps.partTargetMs ?? DEFAULT_PART_TARGET_MS;
    this.#timeoutMs = deps.blockTimeoutMs ?? 3 * deps.segmentMs;
  }

  /**
   * The playlist; with `want` (a blocking reload), once it holds that segment or part. Too far
   * ahead: BAD_REQUEST at once (RFC 8216bis §6.2.5.2); not there in time: UNAVAILABLE (503).
   */
  async render(
    deviceId: string,
    want?: { msn: number; part?: number | undefined },
    signal?: AbortSignal,
    range?: LiveRange,
  ): Promise<string> {
    const live = this.#d.live.of(deviceId);
    live.watch();
    const state = await waitForChange(
      live,
      async () => {
        const s = within(await this.#state(deviceId), range);
        if (!want) return s;
        const verdict = blockingVerdict(liveEdge(s.segments, s.runs, s.ll), want);
        if (verdict === 'too-far') {
          throw PorchlightError.badRequest(
            '_HLS_msn/_HLS_part is too far beyond the end of the playlist',
          );
        }
        return verdict === 'ready' ? s : undefined;
      },
      this.#waitOptions(signal),
    );
    if (!state) throw this.#late('the requested segment or part');
    return this.#body(deviceId, state);
  }

  /** A part (`part/<msn>.<index>.m4s`); the next one (preload hint) is waited for. */
  async part(
    deviceId: string,
    msn: number,
    index: number,
    signal?: AbortSignal,
  ): Promise<LiveBytes> {
    const live = this.#d.live.of(deviceId);
    live.watch();
    const found = await waitForChange(
      live,
      async () => {
        const segment = live.segment(msn);
        const part = segment?.parts[index];
        if (segment && part) {
          return {
            bytes: part.bytes,
            producerTime: segment.producerTime,
            durationMs: segment.durationMs,
          };
        }
        if (segment?.complete || !upcoming(live.segments, msn, index)) {
          throw PorchlightError.notFound('part');
        }
        return undefined;
      },
      this.#waitOptions(signal),
    );
    if (!found) throw this.#late('the part');
    return found;
  }

  /** A finished segment not indexed yet (it is being encrypted and stored), from memory. */
  pendingSegment(deviceId: string, seq: number): LiveBytes | undefined {
    const s = this.#d.live.of(deviceId).segment(seq);
    const bytes = s && segmentBytes(s);
    if (!s || !bytes) return undefined;
    return { bytes, producerTime: s.producerTime, durationMs: s.durationMs };
  }

  #waitOptions(signal: AbortSignal | undefined): {
    timeoutMs: number;
    signal?: AbortSignal;
    timers?: WaitTimers;
  } {
    return {
      timeoutMs: this.#timeoutMs,
      ...(signal ? { signal } : {}),
      ...(this.#d.timers ? { timers: this.#d.timers } : {}),
    };
  }

  #late(what: string): PorchlightError {
    return new PorchlightError(
      ErrorCode.Unavailable,
      `${what} did not appear within ${this.#timeoutMs} ms (is the camera recording?)`,
    );
  }

  async #state(deviceId: string): Promise<Rendered> {
    const { index, live, liveWindowSegments } = this.#d;
    const indexed = await index.latestSegments(deviceId, liveWindowSegments);
    const stream = live.of(deviceId);
    const lastIndexed = indexed[indexed.length - 1]?.seq ?? -1;
    const done = stream.segments.filter((s) => s.complete);
    // Segments cut but not indexed yet, while their numbers follow on (a playlist's sequence
    // numbers are implied by position: a hole would renumber everything after it).
    const pending: PlaylistSegment[] = [];
    for (const s of done) {
      if (s.msn <= lastIndexed) continue;
      const prev = pending[pending.length - 1]?.seq ?? (lastIndexed >= 0 ? lastIndexed : s.msn - 1);
      if (s.msn !== prev + 1) break;
      pending.push(view(s));
    }
    const segments = [...indexed, ...pending].slice(-liveWindowSegments);
    const open = stream.open;
    const runs = await this.#runs(deviceId, [
      ...new Set([...segments.map((s) => s.runId), ...(open ? [open.runId] : [])]),
    ]);
    const lastMsn = segments[segments.length - 1]?.seq ?? -1;
    const partsBySeq = new Map<number, PartView[]>();
    for (const s of done) {
      if (s.msn > lastMsn - PART_SEGMENTS && s.msn <= lastMsn) partsBySeq.set(s.msn, parts(s));
    }
    return {
      segments,
      runs,
      ll: {
        partTargetMs: this.#partTargetMs,
        parts: partsBySeq,
        open: open ? { ...view(open), parts: parts(open) } : null,
        // No fragment for a segment's length: the recorder is not writing anything to wait for.
        idle: !open && this.#now() - stream.fedAt > 1.5 * this.#d.segmentMs,
      },
    };
  }

  async #body(deviceId: string, s: Rendered): Promise<string> {
    return mediaPlaylist(s.segments, s.runs, {
      kind: 'live',
      segmentMs: this.#d.segmentMs,
      discontinuitySequence: await this.#discontinuitiesBefore(deviceId, s.segments[0]),
      lowLatency: s.ll,
    });
  }

  async #runs(deviceId: string, ids: string[]): Promise<Map<string, RecordingRun>> {
    const runs = new Map<string, RecordingRun>();
    for (const id of ids) {
      const run = await this.#d.index.getRun(id);
      if (run && run.deviceId === deviceId) runs.set(id, run);
    }
    return runs;
  }

  /** Live EXT-X-DISCONTINUITY-SEQUENCE: one per run started before the window's first segment. */
  async #discontinuitiesBefore(
    deviceId: string,
    first: PlaylistSegment | undefined,
  ): Promise<number> {
    if (!first) return 0;
    const runs = await this.#d.index.listRuns(deviceId);
    return Math.max(
      0,
      runs.findIndex((r) => r.id === first.runId),
    );
  }
}
