import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { DetectionSettingsSchema, type DetectorInfo } from '@porchlight/protocol';
import { describeApiError, type DeviceDetection } from '@porchlight/sdk';
import { formatAgo } from '@porchlight/web-ui';
import { api } from '../../auth/services.ts';
import type { RouteOf } from '../../routing/routes.ts';
import { useStore } from '../../store/index.ts';
import { grabStill, releaseStill, type Still } from './grabStill.ts';
import {
  fieldLabel,
  fromDraft,
  SettingsFields,
  toDraft,
  type SettingsDraft,
} from './SettingsFields.tsx';
import { RunsOnCard } from './RunsOnCard.tsx';
import { ZoneEditor } from './ZoneEditor.tsx';
import { EMPTY_EDITOR, editorProblems, editorReducer, editorToSettings } from './zoneEditor.ts';
import '../../styles/detection.css';

/** The live stream of the camera, when this viewer has it (the live view stays connected). */
function useCameraStream(deviceId: string): { stream: MediaStream | null; label: string | null } {
  const feed = useStore((s) =>
    Object.values(s.feeds).find(
      (f) => f.deviceId === deviceId && f.kind === 'video' && f.source === 'camera',
    ),
  );
  return { stream: feed?.subscription.stream ?? null, label: feed?.label ?? null };
}

/** A still of the live camera, grabbed on open and on request. */
function useStill(stream: MediaStream | null) {
  const [still, setStill] = useState<Still | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const grab = useCallback(() => {
    if (!stream) return;
    setBusy(true);
    setError(null);
    grabStill(stream)
      .then(
        (next) =>
          setStill((previous) => {
            releaseStill(previous);
            return next;
          }),
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      )
      .finally(() => setBusy(false));
  }, [stream]);
  const hasStill = still !== null;
  useEffect(() => {
    if (!hasStill) grab();
  }, [grab, hasStill]);
  // The last still's object URL is released when the screen closes.
  const shown = useRef<Still | null>(null);
  shown.current = still;
  useEffect(() => () => releaseStill(shown.current), []);
  return { still, error, busy, grab };
}

function DetectorCard({ info, at }: { info: DetectorInfo | null; at: number | null }) {
  return (
    <section className="card detector-info" data-testid="detector-info">
      <h2>Detector</h2>
      {info ? (
        <dl>
          <dt>Backend</dt>
          <dd data-testid="detector-backend">{info.backend}</dd>
          <dt>Model</dt>
          <dd>{info.model}</dd>
          <dt>Time per frame</dt>
          <dd>{Math.round(info.msPerFrame)} ms</dd>
          <dt>Ran on</dt>
          <dd data-testid="detector-where">
            {info.where === 'server' ? 'the server' : 'the camera'}
          </dd>
          {at !== null && (
            <>
              <dt>Reported</dt>
              <dd>{formatAgo(at)}</dd>
            </>
          )}
        </dl>
      ) : (
        <p className="muted">
          The camera has not reported yet: it does with its first event. Keep its page open.
        </p>
      )}
    </section>
  );
}

/** `/cameras/:deviceId/detection`: one camera's person-detection settings, zones and masks. */
export function DetectionScreen({ route }: { route: RouteOf<'detection'> }) {
  const { deviceId } = route;
  const navigate = useStore((s) => s.navigate);
  const { stream, label } = useCameraStream(deviceId);
  const { still, error: stillError, busy, grab } = useStill(stream);
  const [loaded, setLoaded] = useState<DeviceDetection | null>(null);
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [editor, dispatch] = useReducer(editorReducer, EMPTY_EDITOR);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved'>('idle');
  const deviceName = useStore(
    (s) => s.devices?.find((d) => d.id === deviceId)?.name ?? label ?? null,
  );

  const apply = useCallback((detection: DeviceDetection) => {
    setLoaded(detection);
    setDraft(toDraft(detection.settings));
    dispatch({ type: 'load', zones: detection.settings.zones, masks: detection.settings.masks });
  }, []);

  useEffect(() => {
    let stale = false;
    api.getDetectionSettings(deviceId).then(
      (detection) => stale || apply(detection),
      (e: unknown) => stale || setError(describeApiError(e)),
    );
    return () => {
      stale = true;
    };
  }, [deviceId, apply]);

  const problems = useMemo(() => editorProblems(editor), [editor]);
  const save = async (): Promise<void> => {
    if (!draft) return;
    const parsed = DetectionSettingsSchema.safeParse({
      ...fromDraft(draft),
      ...editorToSettings(editor),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError(`${fieldLabel(String(issue?.path[0] ?? ''))}: ${issue?.message ?? 'invalid'}`);
      return;
    }
    if (parsed.data.minArea >= parsed.data.maxArea) {
      setError('The smallest person must be smaller than the largest.');
      return;
    }
    setError(null);
    setStatus('saving');
    try {
      apply(await api.putDetectionSettings(deviceId, parsed.data));
      setStatus('saved');
    } catch (e) {
      setError(describeApiError(e));
      setStatus('idle');
    }
  };

  return (
    <section className="page detection-screen" data-testid="detection-screen">
      <header className="detection-screen__head">
        <button
          type="button"
          className="icon-btn"
          data-testid="detection-back"
          onClick={() => navigate({ name: 'devices' })}
        >
          ← Devices
        </button>
        <h1>Person detection{deviceName ? `: ${deviceName}` : ''}</h1>
      </header>
      {error && (
        <p className="detection-error" role="alert" data-testid="detection-error">
          {error}
        </p>
      )}
      {!loaded || !draft ? (
        !error && <p className="muted">Loading…</p>
      ) : (
        <div className="detection-layout">
          <section className="card">
            <h2>Zones and masks</h2>
            <p className="hint">
              With no zone the whole picture counts. A person is in a zone (or a mask) when the
              bottom middle of their box — their feet — is inside it. Events list the zones they
              touched; detections in a mask are ignored.
            </p>
            <ZoneEditor state={editor} dispatch={dispatch} still={still} />
            <p className="hint">
              {stream
                ? busy
                  ? 'Taking a picture from the camera…'
                  : (stillError ?? 'The picture is a still from the live camera.')
                : 'The camera is offline: draw on a blank frame, or come back when it is live.'}{' '}
              {stream && (
                <button
                  type="button"
                  className="link-btn"
                  data-testid="zone-refresh-still"
                  onClick={grab}
                  disabled={busy}
                >
                  New picture
                </button>
              )}
            </p>
          </section>
          <section className="card">
            <h2>Settings</h2>
            <SettingsFields
              draft={draft}
              onChange={(next) => {
                setDraft(next);
                setStatus('idle');
              }}
            />
          </section>
          <RunsOnCard deviceId={deviceId} initial={loaded} version={loaded.updatedAt ?? 0} />
          <DetectorCard info={loaded.detector} at={loaded.detectorReportedAt} />
          <div className="detection-actions">
            <button
              type="button"
              className="btn"
              data-testid="detection-save"
              disabled={problems.size > 0 || status === 'saving'}
              onClick={() => void save()}
            >
              {status === 'saving' ? 'Saving…' : 'Save'}
            </button>
            <button
              type="button"
              className="btn"
              data-testid="detection-defaults"
              onClick={() => {
                setDraft(toDraft(DetectionSettingsSchema.parse({})));
                setStatus('idle');
              }}
            >
              Default settings
            </button>
            {status === 'saved' && (
              <span className="success" role="status" data-testid="detection-saved">
                Saved. The camera uses them at once.
              </span>
            )}
            {problems.size > 0 && (
              <span className="muted small">Finish or delete the highlighted shapes to save.</span>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
