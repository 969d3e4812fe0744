import { useState, type FormEvent } from 'react';
import { storeCredential } from '../auth/device.ts';
import { useStore } from '../store/index.ts';

/**
 * The server refused this camera's credential: the owner removed the camera, or rotated its
 * credential. Either a new setup link or the rotated credential brings it back.
 */
export function CameraRemoved() {
  const startPerson = useStore((s) => s.startPerson);
  const startCamera = useStore((s) => s.startCamera);
  const [credential, setCredential] = useState('');

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    const value = credential.trim();
    storeCredential(value);
    startCamera(value);
  };

  return (
    <section className="panel narrow" data-testid="camera-removed">
      <h1>This camera was removed by the owner</h1>
      <p>
        It no longer streams. To use this device as a camera again, ask the owner to add it once
        more (<strong>Devices → Add camera</strong>) and open the new camera link on this device.
      </p>
      <details>
        <summary>The owner gave you a new credential instead</summary>
        <form className="form" onSubmit={onSubmit}>
          <label className="field">
            <span>Device credential</span>
            <input
              value={credential}
              autoComplete="off"
              spellCheck={false}
              placeholder="pld_…"
              onChange={(event) => setCredential(event.target.value)}
            />
          </label>
          <button type="submit" className="btn" disabled={!credential.trim()}>
            Use this credential
          </button>
        </form>
      </details>
      <p>
        <button type="button" className="icon-btn" onClick={startPerson}>
          Log in to watch instead
        </button>
      </p>
    </section>
  );
}
