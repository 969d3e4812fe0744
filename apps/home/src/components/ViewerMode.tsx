import { useCallback, useMemo } from 'react';
import { useRecordingApi } from '../hooks/useRecordingApi.ts';
import { useSiteRole } from '../hooks/useSiteRole.ts';
import { useSpaceToTalk } from '../hooks/useSpaceToTalk.ts';
import { LIVE, NO_EVENTS_FILTER } from '../routing/routes.ts';
import { useStore, type Feed } from '../store/index.ts';
import { CameraTile } from './CameraTile.tsx';
import { EmptyGrid } from './EmptyGrid.tsx';
import { TimelineScreen } from './TimelineScreen.tsx';

function byLabel(a: Feed, b: Feed): number {
  return a.label.localeCompare(b.label) || a.id.localeCompare(b.id);
}

/**
 * Live view of every camera of the site. The address says what is shown: `/` the grid,
 * `/cameras/:deviceId` one camera enlarged, `/timeline/:deviceId` its recordings in place of the
 * grid (the live connection stays up for coming back).
 */
export function ViewerMode({ hidden = false }: { hidden?: boolean }) {
  const feeds = useStore((s) => s.feeds);
  const focusedId = useStore((s) => s.focusedFeedId);
  const route = useStore((s) => s.route);
  const navigate = useStore((s) => s.navigate);
  const toggleFocus = useStore((s) => s.toggleFocus);
  // The events list is a screen of the logged-in app (a link viewer has none).
  const person = useStore((s) => s.mode === 'person');
  const recording = useRecordingApi();
  const access = useSiteRole(recording);
  const timeline = recording !== null && route.name === 'timeline' ? route : null;

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

  const focused =
    route.name === 'camera'
      ? videos.find((v) => v.deviceId === route.deviceId)
      : videos.find((v) => v.id === focusedId);
  const talkTo = focused ?? (videos.length === 1 ? videos[0] : undefined);
  // Space is the player's while a timeline is open; nobody talks where the server would refuse.
  useSpaceToTalk(
    timeline === null && talkTo?.allowed.includes('stream:talk') ? talkTo.peerId : null,
  );
  // Stable, so the player does not re-announce its position on every render.
  const onPosition = useCallback(
    (t: number | null) => {
      const current = useStore.getState().route;
      if (current.name === 'timeline') navigate({ ...current, t }, { replace: true });
    },
    [navigate],
  );
  const timelineFeed = timeline ? videos.find((v) => v.deviceId === timeline.deviceId) : undefined;

  return (
    <>
      {recording && timeline && (
        <TimelineScreen
          context={recording}
          access={access}
          deviceId={timeline.deviceId}
          label={timelineFeed?.label ?? null}
          allowed={timelineFeed?.allowed ?? null}
          at={timeline.t}
          active={!hidden}
          onBack={() => navigate(LIVE)}
          onPosition={onPosition}
        />
      )}
      {/* Kept mounted while a timeline is shown: hidden tiles drop to the lowest layer. */}
      <div hidden={timeline !== null}>
        {person && (
          <nav className="live-links" aria-label="Live view">
            <button
              type="button"
              className="icon-btn"
              data-testid="open-events"
              onClick={() => navigate({ name: 'events', filter: NO_EVENTS_FILTER, eventId: null })}
            >
              Events
            </button>
          </nav>
        )}
        <section data-testid="viewer-grid" className={`grid${focused ? ' grid--single' : ''}`}>
          {videos.length === 0 && <EmptyGrid />}
          {videos.map((video) => {
            const deviceId = video.deviceId;
            const isFocused = focused?.id === video.id;
            const recordings =
              recording !== null &&
              deviceId !== null &&
              video.allowed.includes('stream:view-recording');
            return (
              <CameraTile
                key={video.id}
                video={video}
                audio={audioByPeer.get(video.peerId)}
                focused={isFocused}
                hidden={focused !== undefined && !isFocused}
                onToggleFocus={() => {
                  if (deviceId === null) toggleFocus(video.id);
                  else navigate(isFocused ? LIVE : { name: 'camera', deviceId });
                }}
                {...(recordings
                  ? { onOpenTimeline: () => navigate({ name: 'timeline', deviceId, t: null }) }
                  : {})}
              />
            );
          })}
        </section>
      </div>
    </>
  );
}
