import { useState } from 'react';

interface Props {
  label: string;
  confirmLabel: string;
  onConfirm: () => void;
  testId?: string;
}

/** A destructive action in two clicks, inline (no window.confirm). */
export function ConfirmButton({ label, confirmLabel, onConfirm, testId }: Props) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="icon-btn"
        data-testid={testId}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <button
        type="button"
        className="icon-btn icon-btn--danger"
        data-testid={testId ? `${testId}-confirm` : undefined}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="icon-btn" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
