import type { DetectionStatus } from '../../hooks/useDetection.ts';
import { budgetText } from './budgetText.ts';

/** The camera page's line about its person detector: rate, backend, time per frame, budget, events. */
export function DetectionBadge({ status }: { status: DetectionStatus }) {
  const { state, error } = status;
  let text: string;
  if (state === 'off') text = 'Person detection is off (the owner can turn it on).';
  else if (state === 'server')
    text = 'Person detection runs on the server for this camera (the video stays at home).';
  else if (state === 'loading') text = 'Person detection: starting the model…';
  else if (state === 'error') text = error ?? 'Person detection stopped.';
  else {
    const parts = [
      status.detectionsPerSecond !== null
        ? `${status.detectionsPerSecond.toFixed(1)} detections/s`
        : null,
      status.backend,
      status.msPerFrame !== null ? `${Math.round(status.msPerFrame)} ms/frame` : null,
      status.budget ? budgetText(status.budget) : null,
      `${status.events} event${status.events === 1 ? '' : 's'}`,
    ].filter((p) => p !== null);
    text = `Person detection: ${parts.join(' · ')}`;
  }
  return (
    <p className="hint" data-testid="detection-status" data-state={state}>
      {text}
      {state === 'running' && error && (
        <span className="muted small"> (last report failed: {error})</span>
      )}
    </p>
  );
}
