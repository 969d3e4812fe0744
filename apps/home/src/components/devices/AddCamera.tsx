import { useState, type FormEvent } from 'react';
import { useStore } from '../../store/index.ts';
import { ProvisionLink } from './ProvisionLink.tsx';

/** Names a new camera and shows the one-time link (and QR code) that sets a device up as it. */
export function AddCamera() {
  const provisioning = useStore((s) => s.provisioning);
  const addCamera = useStore((s) => s.addCamera);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [doorbell, setDoorbell] = useState(false);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    const ok = await addCamera(name.trim(), doorbell ? 'doorbell' : 'camera');
    setBusy(false);
    if (ok) {
      setOpen(false);
      setName('');
      setDoorbell(false);
    }
  };

  if (provisioning) return <ProvisionLink code={provisioning} />;
  if (!open) {
    return (
      <button type="button" className="btn" data-testid="add-camera" onClick={() => setOpen(true)}>
        Add camera
      </button>
    );
  }
  return (
    <form className="form card" onSubmit={(event) => void onSubmit(event)}>
      <h2>Add a camera</h2>
      <label className="field">
        <span>Name (what viewers see)</span>
        <input
          data-testid="add-camera-name"
          required
          maxLength={64}
          placeholder="e.g. Front door"
          autoFocus
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="add-camera-doorbell"
          checked={doorbell}
          onChange={(event) => setDoorbell(event.target.checked)}
        />
        <span>It is a doorbell (shows a Ring button; visitors can also ring through a link)</span>
      </label>
      <div className="actions">
        <button
          type="submit"
          className="btn"
          data-testid="add-camera-submit"
          disabled={busy || !name.trim()}
        >
          Create camera link
        </button>
        <button type="button" className="icon-btn" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
