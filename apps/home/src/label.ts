/** The device label ("Front door") is per device, so it lives in localStorage. */
const STORAGE_KEY = 'porchlight.label';

export function loadLabel(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveLabel(label: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, label.trim());
  } catch {
    // Not persisted; still used for this session.
  }
}
