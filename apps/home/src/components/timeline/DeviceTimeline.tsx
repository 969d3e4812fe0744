import { useEffect, useRef, useState } from 'react';
import type { RecordingStreamView } from '@porchlight/sdk';
import { usePlaybackSource } from '../../hooks/usePlaybackSource.ts';
import type { RecordingContext } from '../../hooks/useRecordingApi.ts';
import { useThumbnails } from '../../hooks/useThumbnails.ts';
import { useTimelineEvents } from '../../hooks/useTimelineEvents.ts';
import { useTimeline } from '../../hooks/useTimeline.ts';
import { DEFAULT_ZOOM } from '../../recording/zoom.ts';
import { ClipDownload } from './ClipDownload.tsx';
import { RecordingPlayer } from './RecordingPlayer.tsx';
import { RecordingSettings } from './RecordingSettings.tsx';
import { ThumbnailStrip } from './ThumbnailStrip.tsx';
import { TimelineBar } from './TimelineBar.tsx';
import { ZoomPicker } from './ZoomPicker.tsx';

interface Props {
  context: RecordingContext;
  stream: RecordingStreamView;
  label: string;
  active: boolean;
  /** Show the owners' settings panel. */
  manage: boolean;
  onStreamChange: (stream: RecordingStreamView) => void;
  onForbidden: () => void;
  /** Where to start playing (unix ms, from the address); null: nothing until a seek. */
  at: number | null;
  /** The playback position changed (to the second). */
  onPosition: (at: number | null) => void;
}

/** One camera's recordings: player, thumbnails and timeline of a window, clips, settings. */
export function DeviceTimeline({
  context,
  stream,
  label,
  active,
  manage,
  onStreamChange,
  onForbidden,
  at,
  onPosition,
}: Props) {
  const deviceId = stream.deviceId;
  const [zoom, setZoom] = useState(DEFAULT_ZOOM);
  const [position, setPosition] = useState<number | null>(null);
  const { bounds, timeline, error } = useTimeline(context, deviceId, zoom.spanMs);
  const events = useTimelineEvents(context, deviceId, bounds);
  const thumbnails = useThumbnails(context, deviceId, zoom.spanMs, zoom.thumbnails);
  const playback = usePlaybackSource(context, deviceId);
  const { source, seek, playLive } = playback;
  useStartAt(at, seek);
  // The position goes into the address (replaced, not a history entry per second).
  useEffect(() => {
    if (source && position !== null) onPosition(position);
  }, [source, position, onPosition]);
  const retry = (): void => {
    if (source?.kind === 'live') playLive();
    else if (source) seek(position ?? source.startAt ?? bounds.to);
  };

  return (
    <div className="timeline-layout">
      <div className="timeline-main">
        <RecordingPlayer
          source={source}
          requestError={playback.error}
          pending={playback.pending}
          active={active}
          onPosition={setPosition}
          onRetry={retry}
        />
        <div className="timeline-toolbar">
          <ZoomPicker zoom={zoom} onChange={setZoom} />
          <button
            type="button"
            className="icon-btn"
            data-testid="play-hls-live"
            aria-pressed={source?.kind === 'live'}
            onClick={playLive}
          >
            Live HLS
          </button>
          <span className="legend" aria-hidden="true">
            <span className="legend__swatch legend__swatch--range" /> recorded
            <span className="legend__swatch legend__swatch--gap" /> gap
            <span className="legend__swatch legend__swatch--event" /> person
          </span>
        </div>
        <div className="timeline-track">
          <ThumbnailStrip
            thumbnails={thumbnails}
            bounds={bounds}
            count={zoom.thumbnails}
            onSeek={seek}
          />
          <TimelineBar
            bounds={bounds}
            timeline={timeline}
            position={source ? position : null}
            ticks={zoom.ticks}
            onSeek={seek}
            events={events}
          />
        </div>
        {error && <p className="hint">{error}</p>}
        {timeline && timeline.ranges.length === 0 && (
          <p className="hint" data-testid="timeline-empty">
            Nothing recorded in the last {zoom.label}.
          </p>
        )}
      </div>
      <aside className="timeline-side">
        <ClipDownload
          context={context}
          deviceId={deviceId}
          label={label}
          anchor={source ? position : stream.lastTime}
          playbackKey={source}
          bounds={bounds}
          ranges={timeline?.ranges ?? null}
        />
        {manage && (
          <RecordingSettings
            context={context}
            stream={stream}
            onChange={onStreamChange}
            onForbidden={onForbidden}
          />
        )}
      </aside>
    </div>
  );
}

/**
 * Plays from the address's position once, when the timeline opens with one (a deep link). Only
 * the position at opening counts: later ones are the playback writing where it is into the
 * address, and seeking to them (rounded to the second) restarted playback up to 1 s earlier, in
 * the run before the one clicked.
 */
function useStartAt(at: number | null, seek: (at: number) => void): void {
  const initial = useRef(at);
  const started = useRef(false);
  useEffect(() => {
    const start = initial.current;
    if (started.current || start === null) return;
    started.current = true;
    seek(start);
  }, [seek]);
}
