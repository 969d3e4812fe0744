import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  describeApiError,
  type IngestSourceView,
  type IngestTransport,
  type ProbeResult,
  type StreamKey,
} from '@porchlight/sdk';
import { api } from '../../auth/services.ts';
import { useStore } from '../../store/index.ts';
import { CopyButton } from '../CopyButton.tsx';

/** Connection states change on the server: re-read this often while shown. */
const REFRESH_MS = 5_000;

function statusText(s: IngestSourceView): string {
  const st = s.status;
  if (st.state === 'online') {
    const v = st.video;
    return v
      ? `Online: ${v.codec.toUpperCase()} ${v.width ?? '?'}×${v.height ?? '?'}${v.action === 'transcode' ? ' (transcoded)' : ''}`
      : 'Online';
  }
  if (st.state === 'disabled') return 'Switched off';
  if (st.state === 'connecting') return 'Connecting…';
  return `Offline${st.reason ? `: ${st.reason}` : ''}`;
}

/**
 * Cameras the server pulls over RTSP or that push over RTMP (docs/cameras.md), for the site's
 * owners: add by URL with a Test first, create an RTMP stream key (shown once), revoke, remove.
 * Passwords and keys are never read back: the server does not return them.
 */
export function IngestCameras({
  siteId,
  onSources,
}: {
  siteId: string;
  /** The ids of the site's RTSP/RTMP cameras, whenever the list is read. */
  onSources?: (deviceIds: ReadonlySet<string>) => void;
}) {
  const loadDevices = useStore((s) => s.loadDevices);
  const [sources, setSources] = useState<IngestSourceView[] | null>(null);
  const [adding, setAdding] = useState<'rtsp' | 'rtmp' | null>(null);
  const [issued, setIssued] = useState<(StreamKey & { name: string }) | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (): Promise<void> => {
    try {
      const list = (await api.listIngestSources(siteId)).sources;
      setSources(list);
      onSources?.(new Set(list.map((s) => s.deviceId)));
    } catch {
      setSources(null);
    }
  }, [siteId, onSources]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const changed = async (): Promise<void> => {
    await load();
    await loadDevices();
  };
  const act = async (f: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(describeApiError(e));
    }
    await changed();
  };

  // Installers and guests may not manage cameras: their 403 hides the section.
  if (sources === null) return null;
  return (
    <section className="card ingest" data-testid="ingest-cameras">
      <h2>Cameras by URL or encoder</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {issued && <IssuedKey issued={issued} onDone={() => setIssued(null)} />}
      {sources.length > 0 && (
        <ul className="ingest__list">
          {sources.map((s) => (
            <li key={s.deviceId} data-testid="ingest-source" data-kind={s.kind}>
              <strong>{s.name}</strong> <span className="muted small">{s.kind.toUpperCase()}</span>
              <br />
              <span data-testid="ingest-status" data-state={s.status.state}>
                {statusText(s)}
              </span>
              {s.url && (
                <>
                  <br />
                  <code className="ingest__url">{s.url}</code>
                </>
              )}
              <div className="actions">
                {s.kind === 'rtmp' && (
                  <>
                    <button
                      type="button"
                      className="icon-btn"
                      data-testid="ingest-new-key"
                      onClick={() =>
                        void act(async () =>
                          setIssued({
                            ...(await api.rotateStreamKey(siteId, s.deviceId)),
                            name: s.name,
                          }),
                        )
                      }
                    >
                      {s.hasStreamKey ? 'New stream key' : 'Create stream key'}
                    </button>
                    {s.hasStreamKey && (
                      <button
                        type="button"
                        className="icon-btn"
                        data-testid="ingest-revoke-key"
                        onClick={() => void act(() => api.revokeStreamKey(siteId, s.deviceId))}
                      >
                        Revoke
                      </button>
                    )}
                  </>
                )}
                <button
                  type="button"
                  className="icon-btn"
                  onClick={() =>
                    void act(() =>
                      api.updateIngestSource(siteId, s.deviceId, { enabled: !s.enabled }),
                    )
                  }
                >
                  {s.enabled ? 'Switch off' : 'Switch on'}
                </button>
                <button
                  type="button"
                  className="icon-btn"
                  data-testid="ingest-remove"
                  onClick={() => {
                    if (window.confirm(`Remove ${s.name}? Its recordings stay.`))
                      void act(() => api.deleteIngestSource(siteId, s.deviceId));
                  }}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {adding === 'rtsp' ? (
        <AddRtsp
          siteId={siteId}
          onDone={() => {
            setAdding(null);
            void changed();
          }}
        />
      ) : adding === 'rtmp' ? (
        <AddRtmp
          siteId={siteId}
          onDone={(key) => {
            setAdding(null);
            if (key) setIssued(key);
            void changed();
          }}
        />
      ) : (
        <div className="actions">
          <button
            type="button"
            className="btn"
            data-testid="add-rtsp"
            onClick={() => setAdding('rtsp')}
          >
            Add camera by URL (RTSP)
          </button>
          <button
            type="button"
            className="btn"
            data-testid="add-rtmp"
            onClick={() => setAdding('rtmp')}
          >
            Add encoder (RTMP)
          </button>
        </div>
      )}
    </section>
  );
}

/** Splits `rtsp://user:pass@host/...` pasted whole into the URL and its credentials. */
function splitCredentials(raw: string): { url: string; user?: string; password?: string } {
  try {
    const u = new URL(raw.trim());
    if (!u.username && !u.password) return { url: raw.trim() };
    const user = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    u.username = '';
    u.password = '';
    return { url: u.toString(), user, password };
  } catch {
    return { url: raw };
  }
}

function AddRtsp({ siteId, onDone }: { siteId: string; onDone: () => void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [transport, setTransport] = useState<IngestTransport>('tcp');
  const [probe, setProbe] = useState<ProbeResult | null>(null);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const body = () => ({
    url: url.trim(),
    transport,
    ...(user ? { credentials: { username: user, password } } : {}),
  });
  const onUrl = (value: string): void => {
    const split = splitCredentials(value);
    setUrl(split.url);
    if (split.user !== undefined) setUser(split.user);
    if (split.password !== undefined) setPassword(split.password);
    setProbe(null);
  };
  const test = async (): Promise<void> => {
    setBusy('test');
    setError(null);
    setProbe(null);
    try {
      setProbe(await api.probeRtsp(siteId, body()));
    } catch (e) {
      setError(describeApiError(e));
    }
    setBusy(null);
  };
  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy('save');
    setError(null);
    try {
      await api.createRtspCamera(siteId, { name: name.trim(), ...body() });
      onDone();
    } catch (e) {
      setError(describeApiError(e));
      setBusy(null);
    }
  };

  return (
    <form className="form" onSubmit={(event) => void save(event)} data-testid="add-rtsp-form">
      <h3>Add a camera by URL</h3>
      <label className="field">
        <span>Name (what viewers see)</span>
        <input
          required
          maxLength={64}
          placeholder="e.g. Driveway"
          data-testid="rtsp-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label className="field">
        <span>RTSP URL</span>
        <input
          required
          inputMode="url"
          autoComplete="off"
          placeholder="rtsp://192.168.1.20:554/stream1"
          data-testid="rtsp-url"
          value={url}
          onChange={(e) => onUrl(e.target.value)}
        />
      </label>
      <label className="field">
        <span>User name</span>
        <input
          autoComplete="off"
          data-testid="rtsp-user"
          value={user}
          onChange={(e) => {
            setUser(e.target.value);
            setProbe(null);
          }}
        />
      </label>
      <label className="field">
        <span>Password (stored encrypted, never shown again)</span>
        <input
          type="password"
          autoComplete="new-password"
          data-testid="rtsp-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setProbe(null);
          }}
        />
      </label>
      <label className="field">
        <span>Transport</span>
        <select
          data-testid="rtsp-transport"
          value={transport}
          onChange={(e) => setTransport(e.target.value as IngestTransport)}
        >
          <option value="tcp">TCP (works through most networks)</option>
          <option value="udp">UDP (lower latency on a clean LAN)</option>
        </select>
      </label>
      {probe && (
        <p
          className={probe.ok ? 'ingest__probe' : 'error'}
          role="status"
          data-testid="rtsp-probe"
          data-ok={String(probe.ok)}
        >
          {probe.ok ? 'Found: ' : 'Cannot use it: '}
          {probe.message}
          {probe.video?.action === 'transcode' && ' (the server will transcode it to H264)'}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          className="btn"
          data-testid="rtsp-test"
          disabled={busy !== null || !url.trim()}
          onClick={() => void test()}
        >
          {busy === 'test' ? 'Testing…' : 'Test'}
        </button>
        <button
          type="submit"
          className="btn"
          data-testid="rtsp-save"
          disabled={busy !== null || !name.trim() || !url.trim()}
        >
          Save
        </button>
        <button type="button" className="icon-btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function AddRtmp({
  siteId,
  onDone,
}: {
  siteId: string;
  onDone: (key: (StreamKey & { name: string }) | null) => void;
}) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.createRtmpCamera(siteId, name.trim());
      onDone({ ...r, name: r.device.name });
    } catch (e) {
      setError(describeApiError(e));
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={(event) => void create(event)}>
      <h3>Add an encoder (RTMP)</h3>
      <label className="field">
        <span>Name (what viewers see)</span>
        <input
          required
          maxLength={64}
          placeholder="e.g. Shop NVR"
          data-testid="rtmp-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button
          type="submit"
          className="btn"
          data-testid="rtmp-create"
          disabled={busy || !name.trim()}
        >
          Create stream key
        </button>
        <button type="button" className="icon-btn" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The stream key, shown this once with what encoders ask for (server + stream name, or one URL). */
function IssuedKey({
  issued,
  onDone,
}: {
  issued: StreamKey & { name: string };
  onDone: () => void;
}) {
  return (
    <div className="ingest__key" data-testid="rtmp-issued">
      <p>
        Stream key for “{issued.name}”: copy it now, it is not shown again. Use a keyframe every 1–2
        s.
      </p>
      <p>
        <span className="muted small">Server</span>
        <br />
        <code className="ingest__url">{issued.server}</code> <CopyButton text={issued.server} />
      </p>
      <p>
        <span className="muted small">Stream name (with key)</span>
        <br />
        <code className="ingest__url" data-testid="rtmp-stream-name">
          {issued.streamName}
        </code>{' '}
        <CopyButton text={issued.streamName} />
      </p>
      <p>
        <span className="muted small">Full URL</span>
        <br />
        <code className="ingest__url" data-testid="rtmp-url">
          {issued.url}
        </code>{' '}
        <CopyButton text={issued.url} testId="rtmp-copy-url" />
      </p>
      <button type="button" className="btn" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
