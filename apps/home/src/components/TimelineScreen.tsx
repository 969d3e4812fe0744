import { lazy, Suspense } from 'react';
import type { Action } from '@porchlight/protocol';
import type { RecordingContext } from '../hooks/useRecordingApi.ts';
import type { SiteAccess } from '../hooks/useSiteRole.ts';

/** The recordings code could not be loaded (offline, or the app was updated meanwhile). */
function TimelineUnavailable({ onBack }: { onBack: () => void }) {
  return (
    <section className="notice" data-testid="timeline-view">
      <h1>Cannot load recordings</h1>
      <p>Reload the page to try again.</p>
      <button type="button" className="btn" data-testid="back-to-live" onClick={onBack}>
        Back to live
      </button>
    </section>
  );
}

// Recordings bring hls.js (~370 kB minified, its own chunk): loaded when a timeline is first opened.
const TimelineView = lazy(() =>
  import('./timeline/TimelineView.tsx').then(
    (m) => ({ default: m.TimelineView }),
    () => ({ default: TimelineUnavailable }),
  ),
);

interface Props {
  context: RecordingContext;
  access: SiteAccess;
  deviceId: string;
  /** The camera's live name, when it is online. */
  label: string | null;
  /** What this viewer may do with the camera, when it is online (else the roles decide). */
  allowed: readonly Action[] | null;
  /** The position in the address (unix ms), if any. */
  at: number | null;
  active: boolean;
  onBack: () => void;
  onPosition: (at: number | null) => void;
}

/** `/timeline/:deviceId?t=`: a camera's recordings, loaded on first use. */
export function TimelineScreen(props: Props) {
  return (
    <Suspense fallback={<p className="connecting">Loading recordings…</p>}>
      <TimelineView key={props.deviceId} {...props} />
    </Suspense>
  );
}
