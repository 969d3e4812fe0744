import { useState } from 'react';
import type { TimeRange } from '@porchlight/sdk';
import { formatClock, fromLocalInput, toLocalInput } from '@porchlight/web-ui';
import { useClipUrl } from '../../hooks/useClipUrl.ts';
import type { RecordingContext } from '../../hooks/useRecordingApi.ts';
import { DEFAULT_CLIP_MS, defaultClip, mayHoldRecording } from '../../recording/clip.ts';

interface Props {
  context: RecordingContext;
  deviceId: string;
  label: string;
  /** Where the default clip ends: the playback position, else the latest recording. */
  anchor: number | null;
  /** Changes when another playback starts: the clip then follows the new position. */
  playbackKey: unknown;
  /** The timeline's window and what is recorded in it (null while loading). */
  bounds: TimeRange;
  ranges: readonly TimeRange[] | null;
}

/** "Front door 2025-06-01 18-30-05.mp4" */
function fileName(label: string, from: number): string {
  const safe = label.replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'camera';
  return `${safe} ${toLocalInput(from).replace('T', ' ').replaceAll(':', '-')}.mp4`;
}

/**
 * Downloads an MP4 of a chosen span: by default the 30 s before the playback position (kept
 * inside the recording there, see defaultClip).
 */
export function ClipDownload({
  context,
  deviceId,
  label,
  anchor,
  playbackKey,
  bounds,
  ranges,
}: Props) {
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [anchoredTo, setAnchoredTo] = useState<{ key: unknown } | null>(null);
  // The default clip to the ms: the inputs show whole seconds, and a clip widened to them could
  // reach into the neighbouring run (another resolution), which the server refuses (409).
  const [exact, setExact] = useState<TimeRange | null>(null);

  const show = (clip: TimeRange): void => {
    setStart(toLocalInput(clip.from));
    setEnd(toLocalInput(clip.to));
    setExact(clip);
  };
  // First shown, or another playback: default to the recording just before where it is.
  if (anchor !== null && (anchoredTo === null || anchoredTo.key !== playbackKey)) {
    setAnchoredTo({ key: playbackKey });
    // A playback position is read to the second; the latest recording's end is exact.
    show(defaultClip(anchor, ranges, bounds, playbackKey ? 1000 : 0));
  }

  const from = fromLocalInput(start);
  const to = fromLocalInput(end);
  const range = exact ?? (from !== undefined && to !== undefined ? { from, to } : null);
  // A span the timeline shows as unrecorded: no link to a download that would find nothing.
  const empty = range !== null && range.to > range.from && !mayHoldRecording(range, bounds, ranges);
  const clip = useClipUrl(context, deviceId, empty ? null : range);
  const { url, pending } = clip;
  const error = empty ? 'Nothing is recorded between these times.' : clip.error;
  const seconds = range ? Math.round((range.to - range.from) / 1000) : null;

  return (
    <section className="card form clip" data-testid="clip">
      <h2>Download a clip</h2>
      <div className="form-row">
        <label className="field">
          <span>From</span>
          <input
            type="datetime-local"
            step={1}
            data-testid="clip-start"
            value={start}
            onChange={(event) => {
              setExact(null);
              setStart(event.target.value);
            }}
          />
        </label>
        <label className="field">
          <span>To</span>
          <input
            type="datetime-local"
            step={1}
            data-testid="clip-end"
            value={end}
            onChange={(event) => {
              setExact(null);
              setEnd(event.target.value);
            }}
          />
        </label>
      </div>
      <div className="actions">
        <a
          className={`btn${url ? '' : ' btn--disabled'}`}
          data-testid="clip-download"
          href={url ?? undefined}
          download={range ? fileName(label, range.from) : true}
          aria-disabled={!url}
        >
          {pending ? 'Preparing…' : 'Download clip'}
        </a>
        <button
          type="button"
          className="icon-btn"
          data-testid="clip-last-30s"
          disabled={anchor === null}
          onClick={() => anchor !== null && show({ from: anchor - DEFAULT_CLIP_MS, to: anchor })}
        >
          Last 30 s
        </button>
        {seconds !== null && seconds > 0 && range && (
          <span className="muted small">
            {formatClock(range.from)} – {formatClock(range.to)} ({seconds} s)
          </span>
        )}
      </div>
      {error && (
        <p className="hint" data-testid="clip-error">
          {error}
        </p>
      )}
    </section>
  );
}
