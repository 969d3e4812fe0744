import { useMemo } from 'react';
import { useStore } from '../store/index.ts';
import { RemoteAudio } from './RemoteAudio.tsx';

/** Camera side: plays every viewer's talkback, and says when someone is speaking. */
export function Talkback() {
  const feeds = useStore((s) => s.feeds);
  const producers = useStore((s) => s.producers);
  const talkback = useMemo(
    () => Object.values(feeds).filter((f) => f.source === 'talkback'),
    [feeds],
  );
  const speakers = producers.filter((p) => p.source === 'talkback' && !p.paused);

  return (
    <>
      {speakers.length > 0 && (
        <p className="talking" data-testid="talking-indicator" role="status">
          Someone is talking
          {speakers.length === 1 && speakers[0]
            ? ` (${speakers[0].label})`
            : ` (${speakers.length} people)`}
        </p>
      )}
      {talkback.map((feed) => (
        <RemoteAudio key={feed.id} feed={feed} muted={false} testId="talkback-audio" />
      ))}
    </>
  );
}
