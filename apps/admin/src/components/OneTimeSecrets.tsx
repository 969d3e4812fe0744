import { formatTime, useQrCode } from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';

/** A new camera link (with QR code) or a rotated credential: shown once, until dismissed. */
export function OneTimeSecrets() {
  const provisioning = useStore((s) => s.provisioning);
  const rotated = useStore((s) => s.rotated);
  const dismiss = useStore((s) => s.dismissSecrets);
  const qr = useQrCode(provisioning?.url, 200);

  if (!provisioning && !rotated) return null;
  return (
    <div className="secret-box">
      {provisioning && (
        <div className="provision">
          {qr && (
            <img
              src={qr}
              alt="QR code of the camera link"
              width={200}
              height={200}
              data-testid="provision-qr"
            />
          )}
          <div>
            <p>
              Camera link for <strong>{provisioning.name}</strong> (single use, expires{' '}
              {formatTime(provisioning.expiresAt)}):
            </p>
            <p>
              <code className="wrap" data-testid="provision-url">
                {provisioning.url}
              </code>
            </p>
            <p>
              Code: <code data-testid="provision-code">{provisioning.code}</code>
            </p>
          </div>
        </div>
      )}
      {rotated && (
        <p>
          New credential for <strong>{rotated.deviceName}</strong>, shown only now (enter it on the
          camera’s “removed” screen):{' '}
          <code className="wrap" data-testid="rotated-credential-value">
            {rotated.credential}
          </code>
        </p>
      )}
      <button type="button" className="icon-btn" onClick={dismiss}>
        Done, hide it
      </button>
    </div>
  );
}
