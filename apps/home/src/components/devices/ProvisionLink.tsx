import type { ProvisioningCode } from '@porchlight/sdk';
import { formatTime, useQrCode } from '@porchlight/web-ui';
import { useStore } from '../../store/index.ts';
import { CopyButton } from '../CopyButton.tsx';

/**
 * The one-time camera link: scan the QR code with the phone that should become the camera, or
 * open the link on it. The code is single use and expires; it is shown only here, now.
 */
export function ProvisionLink({ code }: { code: ProvisioningCode & { name: string } }) {
  const dismiss = useStore((s) => s.dismissProvisioning);
  const qr = useQrCode(code.url, 240);

  return (
    <div className="card provision">
      <h2>Set up “{code.name}”</h2>
      <p>
        On the device that should become this camera, scan the code or open the link. It works once
        and expires at {formatTime(code.expiresAt)}.
      </p>
      <div className="provision__body">
        {qr ? (
          <img
            className="provision__qr"
            src={qr}
            alt={`QR code of the camera link for ${code.name}`}
            width={240}
            height={240}
            data-testid="provision-qr"
          />
        ) : (
          <div className="provision__qr" />
        )}
        <div className="provision__text">
          <p>
            <span className="muted small">Link</span>
            <br />
            <code className="provision__url" data-testid="provision-url">
              {code.url}
            </code>{' '}
            <CopyButton text={code.url} />
          </p>
          <p>
            <span className="muted small">Code</span>
            <br />
            <code className="provision__code" data-testid="provision-code">
              {code.code}
            </code>
          </p>
        </div>
      </div>
      <button type="button" className="icon-btn" onClick={dismiss}>
        Done
      </button>
    </div>
  );
}
