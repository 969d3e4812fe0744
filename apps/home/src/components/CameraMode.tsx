import { useEffect } from 'react';
import { startCamera } from '../media/camera.ts';
import { useStore } from '../store/index.ts';
import { LabelForm } from './LabelForm.tsx';
import { LocalPreview } from './LocalPreview.tsx';
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

  useEffect(() => {
    if (!client) return;
    const { setCameraStatus, setLocalStream } = useStore.getState();
    return startCamera(client, { onStatus: setCameraStatus, onStream: setLocalStream });
  }, [client]);

  return (
    <section className="camera-mode">
      <div className="preview">
        <LocalPreview stream={stream} />
        <span className={`status status--${status}`} data-testid="camera-status">
          {status}
        </span>
      </div>
      <p className="status-text">{error ?? DESCRIPTIONS[status]}</p>
      <Talkback />
      <LabelForm />
      <p className="hint">Keep this page open. Plug the device in and disable screen sleep.</p>
    </section>
  );
}
