import type { RecordingMode } from '@porchlight/sdk';

const MODE_TEXT: Record<RecordingMode, string> = {
  off: 'recording off',
  continuous: 'continuous',
  'on-demand': 'on demand',
  event: 'on events',
};

/** Whether a recorder is persisting the camera now, and its mode. */
export function RecordingBadge({ recording, mode }: { recording: boolean; mode: RecordingMode }) {
  return (
    <span className="rec-state">
      <span
        className={`rec-badge${recording ? ' rec-badge--on' : ''}`}
        data-testid="recording-state"
        data-recording={recording}
      >
        {recording ? 'Recording' : 'Not recording'}
      </span>
      <span className="muted small" data-testid="recording-mode-label">
        {MODE_TEXT[mode]}
      </span>
    </span>
  );
}
