import type { Invitation } from '@porchlight/sdk';
import { formatAgo, formatTime } from '@porchlight/web-ui';
import { useStore } from '../../store/index.ts';

/** Invitations not yet accepted, with a way to withdraw each (its link stops working). */
export function PendingInvitations({ invitations }: { invitations: Invitation[] }) {
  const revoke = useStore((s) => s.revokeInvitation);
  const pending = invitations.filter((i) => i.status === 'pending');
  if (pending.length === 0) return null;
  return (
    <div className="card">
      <h2>Pending invitations</h2>
      <ul className="people-list">
        {pending.map((i) => (
          <li key={i.id} data-testid="invitation-row">
            <span>
              <strong>{i.displayName ?? i.email}</strong> · {i.role}
              <span className="muted small" title={formatTime(i.createdAt)}>
                {' '}
                · sent {formatAgo(i.createdAt)} · link works until {formatTime(i.expiresAt)}
              </span>
            </span>
            <button
              type="button"
              className="icon-btn icon-btn--danger"
              data-testid="invitation-revoke"
              onClick={() => void revoke(i.id)}
            >
              Withdraw
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
