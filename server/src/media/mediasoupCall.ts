import { PorchlightError } from '../errors.ts';

/**
 * Runs a mediasoup call on client-supplied parameters. mediasoup rejects bad parameters with
 * TypeError or UnsupportedError: those are the client's fault (BAD_REQUEST), anything else is ours.
 */
export async function mediasoupCall<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (
      error instanceof TypeError ||
      (error instanceof Error && error.name === 'UnsupportedError')
    ) {
      throw PorchlightError.badRequest(error.message);
    }
    throw error;
  }
}
