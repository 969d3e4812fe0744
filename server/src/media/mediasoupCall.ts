import { PorchlightError } from '../errors.ts';

/**
 * Runs a mediasoup call on client-supplied parameters. mediasoup rejects bad parameters with
 * TypeError or UnsupportedError: those are the client's fault (BAD_REQUEST), anything else is ours.
 */
const DUPLICATE = /already exists in RTP listener/i;

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
    // The worker refuses an SSRC, MID or RID that another producer on the transport uses: the
    // client's parameters, not a fault here (nothing was created).
    if (error instanceof Error && DUPLICATE.test(error.message)) {
      throw PorchlightError.badRequest(error.message.replace(/ \[method:[^\]]*\]$/, ''));
    }
    throw error;
  }
}
