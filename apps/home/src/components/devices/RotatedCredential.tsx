import { useStore } from '../../store/index.ts';
import { CopyButton } from '../CopyButton.tsx';

/** A rotated device credential, shown this once: the server keeps only its hash. */
export function RotatedCredential() {
  const rotated = useStore((s) => s.rotated);
  const dismiss = useStore((s) => s.dismissRotated);
  if (!rotated) return null;
  return (
    <div className="card" data-testid="rotated-credential">
      <h2>New credential for “{rotated.deviceName}”</h2>
      <p>
        The old credential no longer works and the camera was disconnected. On the camera, it now
        says it was removed: open “The owner gave you a new credential instead” there and paste
        this. It is shown only now.
      </p>
      <p>
        <code className="secret" data-testid="rotated-credential-value">
          {rotated.credential}
        </code>{' '}
        <CopyButton text={rotated.credential} />
      </p>
      <button type="button" className="icon-btn" onClick={dismiss}>
        Done, hide it
      </button>
    </div>
  );
}
