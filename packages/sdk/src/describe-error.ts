import { ApiError, isPorchlightError } from './errors.ts';

/* Human-readable error lines shared by the apps (home PWA and admin dashboard). */

function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
}

/** One line a person can act on, for any error from the API or the SDK. */
export function describeApiError(error: unknown): string {
  if (!isPorchlightError(error)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'RATE_LIMITED': {
      const seconds = error instanceof ApiError ? error.retryAfterSeconds : undefined;
      if (seconds === undefined) return 'Too many attempts. Wait a little and try again.';
      const at = new Date(Date.now() + seconds * 1000).toLocaleTimeString([], {
        hour: '2-digit',
        minute: '2-digit',
      });
      return `Too many attempts. Try again in ${waitText(seconds)} (at ${at}).`;
    }
    case 'NETWORK':
      return 'Cannot reach Porchlight. Check the connection and try again.';
    case 'FORBIDDEN':
      return `You are not allowed to do that (${error.message}).`;
    default:
      return error.message;
  }
}

/** Whether `error` is an SDK error with this `code` (any string, e.g. from a switch over codes). */
export function isCode(error: unknown, code: string): boolean {
  return isPorchlightError(error) && error.code === code;
}
