import { useState, type FormEvent } from 'react';
import { loadLabel, saveLabel } from '../label.ts';
import { useStore } from '../store/index.ts';

/** Names this camera. The label is sent when joining, so saving reconnects. */
export function LabelForm() {
  const [saved, setSaved] = useState(loadLabel);
  const [value, setValue] = useState(saved);
  const restartSession = useStore((s) => s.restartSession);

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    saveLabel(value);
    setSaved(value.trim());
    restartSession();
  };

  return (
    <form className="label-form" onSubmit={onSubmit}>
      <label htmlFor="camera-label">Camera name</label>
      <input
        id="camera-label"
        data-testid="camera-label"
        value={value}
        maxLength={64}
        placeholder="e.g. Front door"
        autoComplete="off"
        onChange={(event) => setValue(event.target.value)}
      />
      <button type="submit" className="btn" disabled={value.trim() === saved}>
        Save
      </button>
    </form>
  );
}
