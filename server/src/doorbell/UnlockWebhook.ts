import { createHmac } from 'node:crypto';
import type { UnlockResult } from '@porchlight/protocol';

export interface UnlockRequest {
  url: string;
  secret: string;
  /** 'test' (from the door settings) asks the lock to answer without opening. Default 'unlock'. */
  event?: 'unlock' | 'test';
  doorId: string;
  /** null for a test. */
  callId: string | null;
  by: { accountId: string; name: string };
  at: number;
}

/** How long the lock may take to answer. */
export const UNLOCK_TIMEOUT_MS = 5000;

/**
 * Calls a smart lock's webhook: a JSON POST signed with HMAC-SHA256 over `<timestamp>.<body>`
 * (headers `X-Porchlight-Timestamp`, unix ms, and `X-Porchlight-Signature: sha256=<hex>`), so the
 * lock can refuse forgeries and replays. Never throws: the result says what happened.
 */
export async function callUnlockWebhook(
  r: UnlockRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<UnlockResult> {
  const body = JSON.stringify({
    event: r.event ?? 'unlock',
    doorId: r.doorId,
    callId: r.callId,
    by: r.by,
    at: r.at,
  });
  const timestamp = String(r.at);
  const signature = createHmac('sha256', r.secret).update(`${timestamp}.${body}`).digest('hex');
  try {
    const res = await fetchImpl(r.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-porchlight-timestamp': timestamp,
        'x-porchlight-signature': `sha256=${signature}`,
      },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(UNLOCK_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok
      ? { ok: true, status: res.status, error: null }
      : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (error) {
    const e = error as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { ok: false, status: null, error: timedOut ? 'timeout' : 'connection failed' };
  }
}
