import { useState, type ReactNode } from 'react';

interface Props {
  label: string;
  confirmLabel: string;
  onConfirm: () => void;
  className?: string;
  testId?: string;
  /** Shown next to the confirm button: what will happen. */
  children?: ReactNode;
}

/**
 * A destructive action in two clicks, inline: no window.confirm (blocked in some embedded
 * browsers, and modal dialogs steal focus from the live view).
 */
export function ConfirmButton({
  label,
  confirmLabel,
  onConfirm,
  className,
  testId,
  children,
}: Props) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className={className ?? 'icon-btn'}
        data-testid={testId}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      {children && <span className="confirm__text">{children}</span>}
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
