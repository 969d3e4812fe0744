import type { CreatedInvitation } from '@porchlight/sdk';
import { formatTime, useQrCode } from '@porchlight/web-ui';
import { useStore } from '../../store/index.ts';
import { CopyButton } from '../CopyButton.tsx';

/**
 * The link of the invitation just created: shown only now (the server keeps only its hash).
 * Send it, or let them scan the QR code from this screen.
 */
export function InvitationLink({ created }: { created: CreatedInvitation }) {
  const dismiss = useStore((s) => s.dismissInvitation);
  const qr = useQrCode(created.url, 220);
  const { invitation } = created;
  const who = invitation.displayName ?? invitation.email ?? 'them';
  return (
    <div className="card provision" data-testid="invitation-link">
      <h2>Send this link to {who}</h2>
      <p>
        It works once, until {formatTime(invitation.expiresAt)}. Whoever opens it gets this access,
        so send it only to them.
      </p>
      <div className="provision__body">
        {qr ? (
          <img
            className="provision__qr"
            src={qr}
            alt={`QR code of the invitation link for ${who}`}
            width={220}
            height={220}
            data-testid="invitation-qr"
          />
        ) : (
          <div className="provision__qr" />
        )}
        <div className="provision__text">
          <code className="provision__url" data-testid="invitation-url">
            {created.url}
          </code>{' '}
          <CopyButton text={created.url} testId="invitation-copy" />
        </div>
      </div>
      <button type="button" className="icon-btn" onClick={dismiss}>
        Done
      </button>
    </div>
  );
}
