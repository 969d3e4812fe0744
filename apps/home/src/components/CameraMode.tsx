import { useEffect } from 'react';
import { ConfirmButton } from '@porchlight/web-ui';
import { useDetection } from '../hooks/useDetection.ts';
import { startCamera } from '../media/camera.ts';
import { useStore } from '../store/index.ts';
import { DetectionBadge } from './detection/DetectionBadge.tsx';
import { DoorbellRing } from './doorbell/DoorbellRing.tsx';
import { LocalPreview } from './LocalPreview.tsx';
import { ProvisionStatusBadge } from './ProvisionStatusBadge.tsx';
import { Talkback } from './Talkback.tsx';

const DESCRIPTIONS = {
  starting: 'Starting the camera…',
  publishing: 'Live: viewers can see and hear this camera.',
  republishing: 'Reconnecting the stream…',
  error: 'The camera is not streaming.',
} as const;

/** "Turn any browser or old phone into a camera." */
export function CameraMode() {
  const client = useStore((s) => s.client);
  const status = useStore((s) => s.cameraStatus);
  const error = useStore((s) => s.cameraError);
  const stream = useStore((s) => s.localStream);
  const mode = useStore((s) => s.mode);
  const name = useStore((s) => s.deviceName);
  const provisionStatus = useStore((s) => s.provisionStatus);
  const device = useStore((s) => s.device);
  const justProvisioned = mode === 'camera' && provisionStatus === 'provisioned';
  const detection = useDetection(stream);

  useEffect(() => {
    if (!client) return;
    const { setCameraStatus, setLocalStream } = useStore.getState();
    return startCamera(client, { onStatus: setCameraStatus, onStream: setLocalStream });
  }, [client]);

  return (
    <section className="camera-mode">
      {device?.kind === 'doorbell' && <DoorbellRing device={device} />}
      {justProvisioned && (
        <p className="success">
          <ProvisionStatusBadge status="provisioned" /> This device is now the camera “{name}”.
        </p>
      )}
      <div className="preview">
        <LocalPreview stream={stream} />
        <span className={`status status--${status}`} data-testid="camera-status">
          {status}
        </span>
      </div>
      <p className="status-text">{error ?? DESCRIPTIONS[status]}</p>
      <DetectionBadge status={detection} />
      <Talkback />
      {name && (
        <p className="hint">
          Camera name: <strong data-testid="camera-name">{name}</strong> (the owner can rename it
          under Devices).
        </p>
      )}
      <p className="hint">Keep this page open. Plug the device in and disable screen sleep.</p>
      {mode === 'camera' && <ForgetCamera />}
    </section>
  );
}

function ForgetCamera() {
  const forgetCamera = useStore((s) => s.forgetCamera);
  return (
    <ConfirmButton
      className="link-btn"
      label="Stop using this device as a camera"
      confirmLabel="Yes, forget this camera here"
      onConfirm={forgetCamera}
    >
      The owner should also remove it under Devices.
    </ConfirmButton>
  );
}
