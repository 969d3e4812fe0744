/**
 * Calls this tab answered, kept for the tab's life (sessionStorage survives a reload): another
 * device of the same account must show "Answered by … on …", not join the call a second time.
 */
const KEY = 'porchlight.answeredCalls';

function read(): string[] {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function markAnsweredHere(callId: string): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify([...read().slice(-19), callId]));
  } catch {
    // Storage refused (private mode quota): only a reload mid-call loses the call screen.
  }
}

export function answeredHere(callId: string): boolean {
  return read().includes(callId);
}
