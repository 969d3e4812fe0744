import { useEffect } from 'react';
import { storedCredential } from '../auth/device.ts';
import { useStore } from '../store/index.ts';
import { ProvisionStatusBadge } from './ProvisionStatusBadge.tsx';

/**
 * "Set up this device as a camera": redeems the one-time code from the link. The owner already
 * named the camera when creating the link, so there is nothing to ask; on success the page turns
 * into the camera (CameraMode keeps showing the outcome).
 */
export function ProvisionScreen() {
  const status = useStore((s) => s.provisionStatus);
  const message = useStore((s) => s.provisionMessage);
  const redeem = useStore((s) => s.redeemProvisionCode);
  const startCamera = useStore((s) => s.startCamera);
  const startPerson = useStore((s) => s.startPerson);

  useEffect(() => {
    void redeem();
  }, [redeem]);

  const previous = status === 'failed' ? storedCredential() : null;
  return (
    <section className="panel narrow">
      <h1>Set up this device as a camera</h1>
      <p>
        <ProvisionStatusBadge status={status} />
      </p>
      {status === 'provisioning' && <p>Registering this device with Porchlight…</p>}
      {status === 'failed' && (
        <>
          <p>{message}</p>
          <p className="hint">Ask the owner to create a new camera link (Devices → Add camera).</p>
          <div className="actions">
            {previous && (
              <button type="button" className="btn" onClick={() => startCamera(previous)}>
                Continue as the camera this device already is
              </button>
            )}
            <button type="button" className="icon-btn" onClick={startPerson}>
              Log in instead
            </button>
          </div>
        </>
      )}
    </section>
  );
}
