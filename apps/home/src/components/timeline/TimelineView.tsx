import { useState } from 'react';
import type { RecordingContext } from '../../hooks/useRecordingApi.ts';
import { useRecordingStream } from '../../hooks/useRecordingStream.ts';
import type { SiteAccess } from '../../hooks/useSiteRole.ts';
import { mayManageRecording } from '../../recording/roles.ts';
import { DeviceTimeline } from './DeviceTimeline.tsx';
import { RecordingBadge } from './RecordingBadge.tsx';

interface Props {
  context: RecordingContext;
  access: SiteAccess;
  /** The camera's name, as its live tile shows it. */
  label: string;
  /** The camera's device id from its live feed (null: found by name). */
  deviceId: string | null;
  /** False while another tab is shown. */
  active: boolean;
  onBack: () => void;
}

/** A camera's recordings, opened from its live tile; "Live" goes back to the WebRTC grid. */
export function TimelineView({ context, access, label, deviceId, active, onBack }: Props) {
  const { stream, missing, error, setStream } = useRecordingStream(context, label, deviceId);
  // Refused once: the settings stay hidden for this camera.
  const [forbidden, setForbidden] = useState(false);
  const manage =
    !forbidden &&
    (access.status === 'unknown' ||
      (access.status === 'known' && mayManageRecording(access.roles, access.isAdmin)));

  let body;
  if (stream) {
    body = (
      <DeviceTimeline
        key={stream.deviceId}
        context={context}
        stream={stream}
        label={label}
        active={active}
        manage={manage}
        onStreamChange={setStream}
        onForbidden={() => setForbidden(true)}
      />
    );
  } else if (missing) {
    body = <p className="empty">This camera has no recordings.</p>;
  } else if (!error) {
    body = <p className="connecting">Loading recordings…</p>;
  }

  return (
    <section
      className="timeline-view"
      data-testid="timeline-view"
      data-device-id={stream?.deviceId}
    >
      <header className="timeline-view__head">
        <button type="button" className="icon-btn" data-testid="back-to-live" onClick={onBack}>
          ← Live
        </button>
        <h1 className="timeline-view__title">{label}</h1>
        {stream && <RecordingBadge recording={stream.recording} mode={stream.mode} />}
      </header>
      {error && (
        <p className="hint" role="alert" data-testid="timeline-error">
          {error}
        </p>
      )}
      {body}
    </section>
  );
}
