import type { GrantWithAccount } from '@porchlight/sdk';
import { formatTime } from '@porchlight/web-ui';
import { useStore } from '../../store/index.ts';

function windowText(grant: GrantWithAccount): string {
  if (grant.validFrom === null && grant.validUntil === null) return 'Always';
  const from = grant.validFrom !== null ? `from ${formatTime(grant.validFrom)}` : '';
  const until = grant.validUntil !== null ? `until ${formatTime(grant.validUntil)}` : '';
  return [from, until].filter(Boolean).join(' ');
}

interface Props {
  grant: GrantWithAccount;
  deviceNames: ReadonlyMap<string, string>;
}

export function GrantRow({ grant, deviceNames }: Props) {
  const revokeGrant = useStore((s) => s.revokeGrant);
  const isMe = useStore((s) => s.account?.id === grant.accountId);
  const cameras =
    grant.deviceIds === null
      ? 'All cameras'
      : grant.deviceIds.map((id) => deviceNames.get(id) ?? 'removed camera').join(', ');
  return (
    <tr data-testid="grant-row" data-grant-id={grant.id} data-me={isMe || undefined}>
      <td>
        <div>
          {grant.account?.displayName ?? 'Unknown account'}
          {isMe && <span className="muted small"> (you)</span>}
        </div>
        <div className="muted small">{grant.account?.email}</div>
      </td>
      <td>{grant.role}</td>
      <td>{cameras}</td>
      <td>{windowText(grant)}</td>
      <td className="row-actions">
        {/* One click: revoking is undone by inviting again. Never on your own row. */}
        {!isMe && (
          <button
            type="button"
            className="icon-btn icon-btn--danger"
            data-testid="grant-revoke"
            onClick={() => void revokeGrant(grant.id)}
          >
            Revoke
          </button>
        )}
      </td>
    </tr>
  );
}
