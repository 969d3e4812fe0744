import { useState } from 'react';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../../auth/services.ts';

/** Opens the door through its unlock webhook (shown only when the door has one). */
export function UnlockButton({ callId }: { callId: string }) {
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const unlock = (): void => {
    setBusy(true);
    setStatus(null);
    api
      .unlockDoor(callId)
      .then(
        (r) =>
          setStatus(r.ok ? 'Door unlocked' : `Unlock failed: ${r.error ?? `HTTP ${r.status}`}`),
        (e: unknown) => setStatus(describeApiError(e)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <div className="call-unlock">
      <button
        type="button"
        className="btn call-btn"
        data-testid="call-unlock"
        disabled={busy}
        onClick={unlock}
      >
        {busy ? 'Unlocking…' : 'Unlock door'}
      </button>
      {status && (
        <p className="hint" role="status" data-testid="call-unlock-status">
          {status}
        </p>
      )}
    </div>
  );
}
