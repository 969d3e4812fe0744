import { useState } from 'react';
import {
  LiveVideo,
  useCameras,
  useConnection,
  useEvents,
  useRecordings,
  useTalk,
} from '@porchlight/sdk/react';

/** The last hour, as of now. */
const lastHour = () => ({ from: Date.now() - 3_600_000, to: Date.now() });

/**
 * Lists the cameras, shows the chosen one live, what it recorded in the last hour and its recent
 * detection events.
 */
export function App({ siteId }: { siteId: string | undefined }) {
  const { state, error } = useConnection();
  const cameras = useCameras();
  const [chosen, setChosen] = useState<string>();
  const camera = cameras.find((c) => c.producerId === chosen) ?? cameras[0];
  const deviceId = camera?.deviceId ?? undefined;
  const events = useEvents({
    ...(siteId ? { siteId } : {}),
    ...(deviceId ? { deviceId } : {}),
    limit: 10,
  });
  // Push-to-talk to the camera being watched (its speaker), while the button is held.
  const talk = useTalk();
  const [range, setRange] = useState(lastHour);
  const recordings = useRecordings(siteId, deviceId, range);
  const recorded = (recordings.data?.ranges ?? []).reduce((ms, r) => ms + r.to - r.from, 0);

  return (
    <main style={{ font: '16px system-ui, sans-serif', margin: '2rem' }}>
      <h1>Porchlight</h1>
      <p>
        Connection: <span data-testid="connection-state">{state}</span>
        {error && <span data-testid="connection-error"> ({error.message})</span>}
      </p>
      <ul data-testid="cameras">
        {cameras.map((c) => (
          <li key={c.producerId}>
            <button onClick={() => setChosen(c.producerId)} aria-pressed={c === camera}>
              {c.label}
              {c.paused ? ' (paused)' : ''}
            </button>
          </li>
        ))}
      </ul>
      {camera ? (
        <LiveVideo
          key={camera.producerId}
          producerId={camera.producerId}
          data-testid="live-video"
          style={{ width: '100%', maxWidth: 960, background: '#000' }}
        />
      ) : (
        <p>No camera is live.</p>
      )}
      {camera && (
        <p>
          <button
            onPointerDown={() => void talk.start()}
            onPointerUp={() => void talk.stop()}
            onPointerLeave={() => void talk.stop()}
          >
            Hold to talk
          </button>{' '}
          <span data-testid="talking">{talk.talking ? 'talking' : 'not talking'}</span>
          {talk.error && <span> ({talk.error.message})</span>}
        </p>
      )}
      <h2>Recordings</h2>
      <p>
        <span data-testid="recorded-seconds">{Math.floor(recorded / 1000)}</span> s recorded in the
        last hour <button onClick={() => setRange(lastHour())}>Refresh</button>
      </p>
      <h2>Events</h2>
      {events.error && <p>Could not load events: {events.error.message}</p>}
      <ul data-testid="events">
        {(events.data ?? []).map((e) => (
          <li key={e.id} data-testid="event">
            {e.label} at {new Date(e.startedAt).toLocaleTimeString()} (score {e.maxScore.toFixed(2)}
            )
          </li>
        ))}
      </ul>
    </main>
  );
}
