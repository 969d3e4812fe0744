import { useMemo } from 'react';
import { useStore, type Feed } from '../store/index.ts';
import { useSpaceToTalk } from '../hooks/useSpaceToTalk.ts';
import { CameraTile } from './CameraTile.tsx';

function byLabel(a: Feed, b: Feed): number {
  return a.label.localeCompare(b.label) || a.id.localeCompare(b.id);
}

/** Live view of every camera of the site; click a tile to enlarge it. */
export function ViewerMode() {
  const feeds = useStore((s) => s.feeds);
  const focusedId = useStore((s) => s.focusedFeedId);

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
  useSpaceToTalk(focused?.peerId ?? (videos.length === 1 ? (videos[0]?.peerId ?? null) : null));

  return (
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
        />
      ))}
    </section>
  );
}
