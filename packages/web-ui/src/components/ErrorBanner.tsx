interface Props {
  /** Nothing is shown without one. */
  message: string | null | undefined;
  onDismiss(): void;
}

/** A non-fatal problem (a refused action), dismissible, under the header. */
export function ErrorBanner({ message, onDismiss }: Props) {
  if (!message) return null;
  return (
    <div className="banner" role="alert" data-testid="error-banner">
      <span>{message}</span>
      <button type="button" className="link-btn" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
