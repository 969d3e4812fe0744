import { useState, type FormEvent } from 'react';
import {
  describeApiError,
  isCode,
  RECORDING_MODES,
  type RecordingMode,
  type RecordingPatch,
  type RecordingStreamView,
} from '@porchlight/sdk';
import { formatBytes, formatTime } from '@porchlight/web-ui';
import type { RecordingContext } from '../../hooks/useRecordingApi.ts';

const DAY_S = 86_400;
const GB = 1e9;

const MODE_LABEL: Record<RecordingMode, string> = {
  off: 'Off',
  continuous: 'Continuous',
  'on-demand': 'On demand (start/stop)',
  event: 'Events (with pre/post-roll)',
};

interface Props {
  context: RecordingContext;
  stream: RecordingStreamView;
  /** The server's view after a change. */
  onChange: (stream: RecordingStreamView) => void;
  /** The server refused: this person may not change recording (not an owner). */
  onForbidden: () => void;
}

interface Draft {
  mode: RecordingMode;
  days: string;
  gb: string;
  preRoll: string;
  postRoll: string;
}

/** Trims "1.50" to "1.5"; empty for no limit. */
const shown = (value: number | null, unit: number): string =>
  value === null ? '' : String(Number((value / unit).toFixed(2)));

function draftOf(stream: RecordingStreamView): Draft {
  return {
    mode: stream.mode,
    days: shown(stream.retentionMaxAgeSeconds, DAY_S),
    gb: shown(stream.retentionMaxBytes, GB),
    preRoll: String(stream.preRollSeconds),
    postRoll: String(stream.postRollSeconds),
  };
}

/** Empty: no limit. */
const limit = (text: string, unit: number): number | null =>
  text.trim() === '' ? null : Math.round(Number(text) * unit);

/** Owners: how this camera records and for how long, and on-demand start/stop. */
export function RecordingSettings({ context, stream, onChange, onForbidden }: Props) {
  const [draft, setDraft] = useState(() => draftOf(stream));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const edit = (patch: Partial<Draft>): void => {
    setDraft((d) => ({ ...d, ...patch }));
    setSaved(false);
  };

  /** Resolves with the server's new view, or null when refused (the error is shown). */
  const run = async (
    action: () => Promise<RecordingStreamView>,
  ): Promise<RecordingStreamView | null> => {
    setBusy(true);
    setError(null);
    try {
      const view = await action();
      onChange(view);
      return view;
    } catch (e) {
      if (isCode(e, 'FORBIDDEN')) onForbidden();
      else setError(describeApiError(e));
      return null;
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const patch: RecordingPatch = {
      mode: draft.mode,
      retentionMaxAgeSeconds: limit(draft.days, DAY_S),
      retentionMaxBytes: limit(draft.gb, GB),
      ...(draft.mode === 'event'
        ? { preRollSeconds: Number(draft.preRoll), postRollSeconds: Number(draft.postRoll) }
        : {}),
    };
    const view = await run(() =>
      context.api.updateRecording(context.siteId, stream.deviceId, patch),
    );
    if (view) {
      setDraft(draftOf(view));
      setSaved(true);
    }
  };
  const start = () => context.api.startRecording(context.siteId, stream.deviceId);
  const stop = () => context.api.stopRecording(context.siteId, stream.deviceId);

  return (
    <form
      className="card form rec-settings"
      data-testid="recording-settings"
      onSubmit={(event) => void onSubmit(event)}
    >
      <h2>Recording</h2>
      <p
        className="rec-settings__now"
        data-testid="recording-now"
        data-recording={stream.recording}
      >
        <span className={`dot${stream.recording ? ' dot--recording' : ''}`} aria-hidden="true" />
        {stream.recording ? 'Recording now' : 'Not recording now'}
      </p>
      <p className="muted small rec-settings__stored">
        {formatBytes(stream.storedBytes)} stored in {stream.segments} segments
        {stream.firstTime !== null && `, since ${formatTime(stream.firstTime)}`}
      </p>
      <label className="field">
        <span>Mode</span>
        <select
          data-testid="recording-mode"
          value={draft.mode}
          onChange={(event) => edit({ mode: event.target.value as RecordingMode })}
        >
          {RECORDING_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {MODE_LABEL[mode]}
            </option>
          ))}
        </select>
      </label>
      <div className="form-row">
        <label className="field">
          <span>Keep (days, empty: forever)</span>
          <input
            type="number"
            min={0.01}
            step="any"
            inputMode="decimal"
            data-testid="recording-retention-days"
            value={draft.days}
            onChange={(event) => edit({ days: event.target.value })}
          />
        </label>
        <label className="field">
          <span>At most (GB, empty: no limit)</span>
          <input
            type="number"
            min={0.01}
            step="any"
            inputMode="decimal"
            data-testid="recording-retention-gb"
            value={draft.gb}
            onChange={(event) => edit({ gb: event.target.value })}
          />
        </label>
      </div>
      {draft.mode === 'event' && (
        <div className="form-row">
          <label className="field">
            <span>Before an event (s)</span>
            <input
              type="number"
              min={5}
              max={60}
              step={1}
              required
              data-testid="recording-preroll"
              value={draft.preRoll}
              onChange={(event) => edit({ preRoll: event.target.value })}
            />
          </label>
          <label className="field">
            <span>After an event (s)</span>
            <input
              type="number"
              min={1}
              max={600}
              step={1}
              required
              data-testid="recording-postroll"
              value={draft.postRoll}
              onChange={(event) => edit({ postRoll: event.target.value })}
            />
          </label>
        </div>
      )}
      <div className="actions">
        <button type="submit" className="btn" data-testid="recording-save" disabled={busy}>
          Save
        </button>
        {stream.mode === 'on-demand' && (
          <>
            <button
              type="button"
              className="icon-btn"
              data-testid="recording-start"
              disabled={busy}
              onClick={() => void run(start)}
            >
              Start recording
            </button>
            <button
              type="button"
              className="icon-btn icon-btn--danger"
              data-testid="recording-stop"
              disabled={busy}
              onClick={() => void run(stop)}
            >
              Stop
            </button>
          </>
        )}
        {saved && (
          <span className="muted small" role="status" data-testid="recording-saved">
            Saved
          </span>
        )}
      </div>
      {error && (
        <p className="hint" role="alert" data-testid="recording-settings-error">
          {error}
        </p>
      )}
    </form>
  );
}
