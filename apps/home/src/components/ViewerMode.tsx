import { lazy, Suspense, useMemo, useState } from 'react';
import { useStore, type Feed } from '../store/index.ts';
import { useRecordingApi } from '../hooks/useRecordingApi.ts';
import { useSiteRole } from '../hooks/useSiteRole.ts';
import { useSpaceToTalk } from '../hooks/useSpaceToTalk.ts';
import { mayViewRecordings } from '../recording/roles.ts';
import { CameraTile } from './CameraTile.tsx';

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

function byLabel(a: Feed, b: Feed): number {
  return a.label.localeCompare(b.label) || a.id.localeCompare(b.id);
}

/**
 * Live view of every camera of the site; click a tile to enlarge it. A tile's "Recordings" opens
 * that camera's timeline in place of the grid (the live connection stays up for coming back).
 */
export function ViewerMode({ hidden = false }: { hidden?: boolean }) {
  const feeds = useStore((s) => s.feeds);
  const focusedId = useStore((s) => s.focusedFeedId);
  const recording = useRecordingApi();
  const access = useSiteRole(recording);
  // The camera whose timeline is open: its device id (and label, for servers without ids).
  const [timelineOf, setTimelineOf] = useState<{ deviceId: string | null; label: string } | null>(
    null,
  );
  const canOpenTimeline =
    recording !== null &&
    (access.status === 'unknown' ||
      (access.status === 'known' && mayViewRecordings(access.roles, access.isAdmin)));
  const timeline = canOpenTimeline ? timelineOf : null;

  const videos = useMemo(
    () =>
      Object.values(feeds)
        .filter((f) => f.kind === 'video' && f.source === 'camera')
        .sort(byLabel),
    [feeds],
  );
  const audioByPeer = useMemo(() => {
    const map = new Map<string, Feed>();
    for (const f of Object.values(feeds))
      if (f.kind === 'audio' && f.source === 'microphone') map.set(f.peerId, f);
    return map;
  }, [feeds]);

  const focused = videos.find((v) => v.id === focusedId);
  const talkTo = focused?.peerId ?? (videos.length === 1 ? (videos[0]?.peerId ?? null) : null);
  // Space is the player's while a timeline is open.
  useSpaceToTalk(timeline === null ? talkTo : null);

  return (
    <>
      {recording && timeline !== null && (
        <Suspense fallback={<p className="connecting">Loading recordings…</p>}>
          <TimelineView
            key={timeline.deviceId ?? timeline.label}
            context={recording}
            access={access}
            label={timeline.label}
            deviceId={timeline.deviceId}
            active={!hidden}
            onBack={() => setTimelineOf(null)}
          />
        </Suspense>
      )}
      {/* Kept mounted while a timeline is shown: hidden tiles drop to the lowest layer. */}
      <div hidden={timeline !== null}>
        <section data-testid="viewer-grid" className={`grid${focused ? ' grid--single' : ''}`}>
          {videos.length === 0 && (
            <p className="empty">No cameras online yet. Open the camera link on another device.</p>
          )}
          {videos.map((video) => (
            <CameraTile
              key={video.id}
              video={video}
              audio={audioByPeer.get(video.peerId)}
              focused={focused?.id === video.id}
              hidden={focused !== undefined && focused.id !== video.id}
              {...(canOpenTimeline
                ? {
                    onOpenTimeline: () =>
                      setTimelineOf({ deviceId: video.deviceId, label: video.label }),
                  }
                : {})}
            />
          ))}
        </section>
      </div>
    </>
  );
}
