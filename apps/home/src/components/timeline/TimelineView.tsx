import { useState } from 'react';
import type { Action } from '@porchlight/protocol';
import type { RecordingContext } from '../../hooks/useRecordingApi.ts';
import { useRecordingStream } from '../../hooks/useRecordingStream.ts';
import type { SiteAccess } from '../../hooks/useSiteRole.ts';
import { mayManageRecording } from '../../recording/roles.ts';
import { DeviceTimeline } from './DeviceTimeline.tsx';
import { RecordingBadge } from './RecordingBadge.tsx';

interface Props {
  context: RecordingContext;
  access: SiteAccess;
  /** The camera's name as its live tile shows it (null: offline, the recordings' name). */
  label: string | null;
  deviceId: string;
  /** What this viewer may do with the camera, when it is online (null: the roles decide). */
  allowed: readonly Action[] | null;
  /** Where to start playing (unix ms), from the address. */
  at: number | null;
  /** False while another tab is shown. */
  active: boolean;
  onBack: () => void;
  /** The playback position changed (kept in the address). */
  onPosition: (at: number | null) => void;
}

/** A camera's recordings, opened from its live tile; "Live" goes back to the WebRTC grid. */
export function TimelineView(props: Props) {
  const { context, access, deviceId, allowed, active, onBack } = props;
  const { stream, missing, error, setStream } = useRecordingStream(
    context,
    props.label ?? '',
    deviceId,
  );
  const label = props.label ?? stream?.deviceName ?? 'Recordings';
  // Refused once: the settings stay hidden for this camera.
  const [forbidden, setForbidden] = useState(false);
  const manage =
    !forbidden &&
    (allowed !== null
      ? allowed.includes('recording:manage')
      : access.status === 'unknown' ||
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
        at={props.at}
        onPosition={props.onPosition}
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
        <h1 className="timeline-view__title" data-testid="timeline-title" title={label}>
          {label}
        </h1>
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
