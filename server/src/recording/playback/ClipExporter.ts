import type { ClipAudio } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import {
  BoxSplitter,
  parseFragment,
  parseInit,
  shiftDecodeTimes,
  type InitInfo,
} from '../media/fmp4.ts';
import type { RecordingIndex } from '../index/RecordingIndex.ts';
import type { SegmentVault } from '../SegmentVault.ts';
import type { SegmentRecord } from '../types.ts';
import { audioChannels, transcodeToAac } from './aacClip.ts';
import { trimRunEdges } from './clipRange.ts';

/** Longest clip one request may export. */
export const MAX_CLIP_MS = 2 * 3600_000;

/** moof+mdat groups (with any boxes that precede a moof) of one media segment. */
export function fragmentsOf(segment: Buffer): Buffer[] {
  const boxes = new BoxSplitter().push(segment);
  const out: Buffer[] = [];
  let pending: Buffer[] = [];
  for (const box of boxes) {
    pending.push(box);
    if (box.toString('latin1', 4, 8) === 'mdat') {
      out.push(Buffer.concat(pending));
      pending = [];
    }
  }
  return out;
}

export interface ClipPlan {
  segments: SegmentRecord[];
  init: Buffer;
  info: InitInfo;
}

/**
 * Exports [from, to) as one fragmented MP4 without re-encoding the video: the first run's init
 * segment, then every segment's fragments with their decode times rewritten so the clip starts at
 * zero and gaps (and run boundaries) are closed up. Runs must share the codec configuration; a
 * range that spans a change (another resolution, a codec switch) is refused with the boundary time.
 * Audio is AAC unless asked otherwise: that remux is piped through ffmpeg, which transcodes only
 * the audio (Opus-in-MP4 does not play in QuickTime or on many phones).
 */
export class ClipExporter {
  readonly #index: RecordingIndex;
  readonly #vault: SegmentVault;
  readonly #ffmpeg: string;

  /** `ffmpegPath` (default `ffmpeg` on the PATH) transcodes the audio of AAC clips. */
  constructor(index: RecordingIndex, vault: SegmentVault, o: { ffmpegPath?: string } = {}) {
    this.#index = index;
    this.#vault = vault;
    this.#ffmpeg = o.ffmpegPath ?? 'ffmpeg';
  }

  /** Validates the range and loads the plan; throws before any byte is sent. */
  async plan(deviceId: string, from: number, to: number): Promise<ClipPlan> {
    if (!(to > from)) throw PorchlightError.badRequest('to must be after from');
    if (to - from > MAX_CLIP_MS) throw PorchlightError.badRequest('a clip is at most 2 hours');
    const segments = trimRunEdges(
      await this.#index.querySegments({ deviceId, from, to, limit: 10_000 }),
      from,
      to,
    );
    const first = segments[0];
    if (!first) throw PorchlightError.notFound('recording in that range');
    const firstRun = await this.#index.getRun(first.runId);
    if (!firstRun) throw PorchlightError.notFound('recording in that range');
    for (const s of segments) {
      if (s.runId === first.runId) continue;
      const run = await this.#index.getRun(s.runId);
      if (
        !run ||
        run.codecs !== firstRun.codecs ||
        run.width !== firstRun.width ||
        run.height !== firstRun.height
      ) {
        throw PorchlightError.conflict(
          `the range crosses a change of codec settings at ${new Date(s.producerTime).toISOString()}; export the parts separately`,
        );
      }
    }
    const init = await this.#vault.get(firstRun.storageKey);
    return { segments, init, info: parseInit(init) };
  }

  /**
   * The clip's bytes with its audio as `audio` (default AAC). A recording without audio, or whose
   * audio already is AAC, is remuxed in process either way.
   */
  bytes(plan: ClipPlan, audio: ClipAudio = 'aac'): AsyncGenerator<Buffer> {
    const track = plan.info.tracks.find((t) => t.kind === 'audio');
    if (audio === 'opus' || !track || track.codec.startsWith('mp4a')) return this.remux(plan);
    const channels = audioChannels(plan.init) ?? 2;
    return transcodeToAac(this.remux(plan), { ffmpegPath: this.#ffmpeg, channels });
  }

  /** The recording's own codecs, produced one segment at a time (memory stays at one segment). */
  async *remux(plan: ClipPlan): AsyncGenerator<Buffer> {
    yield plan.init;
    const tracks = plan.info.tracks;
    const reference = tracks.find((t) => t.kind === 'video') ?? tracks[0];
    if (!reference) return;
    let cursorSec = 0;
    for (const segment of plan.segments) {
      const plain = await this.#vault.get(segment.storageKey);
      const fragments = fragmentsOf(plain);
      const infos = fragments.map((f) => parseFragment(f, plan.info));
      // The segment's start: its first reference-track sample (audio may lead the first video
      // fragment), else whatever track it has.
      const start =
        infos.flatMap((i) => i.tracks).find((t) => t.id === reference.id) ??
        infos.flatMap((i) => i.tracks)[0];
      if (!start) continue;
      const startScale = tracks.find((x) => x.id === start.id)?.timescale ?? reference.timescale;
      // Seconds to remove from this segment's timeline so it starts where the clip is now.
      const offsetSec = start.baseDecodeTime / startScale - cursorSec;
      for (const [i, fragment] of fragments.entries()) {
        const info = infos[i]!;
        const shifts = new Map<number, number>();
        for (const t of info.tracks) {
          const scale = tracks.find((x) => x.id === t.id)?.timescale ?? reference.timescale;
          // Audio may start a few ms before video: never shift a track below zero.
          shifts.set(t.id, Math.min(Math.round(offsetSec * scale), t.baseDecodeTime));
        }
        yield shiftDecodeTimes(fragment, shifts);
      }
      cursorSec += segment.durationMs / 1000;
    }
  }
}
