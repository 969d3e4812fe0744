/**
 * This browser's side of Web Push. `PushManager.subscribe` needs the browser's push service; it
 * can fail or never settle (offline, a locked-down profile), so every call here has a timeout
 * and a message a person understands.
 */

/** How long to wait for the browser's push service before giving up. */
export const PUSH_SUBSCRIBE_TIMEOUT_MS = 15_000;
/** How long to wait for the service worker registration / current subscription. */
export const PUSH_LOOKUP_TIMEOUT_MS = 5_000;

export type PushSupport = { ok: true } | { ok: false; reason: string };

/** Whether this browser can receive notifications from the app at all, and why not. */
export function pushSupport(): PushSupport {
  if (!window.isSecureContext)
    return {
      ok: false,
      reason:
        'This page is not a secure context: install the server certificate (see /ca) and reopen the app.',
    };
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window))
    return {
      ok: false,
      reason:
        'This browser cannot show notifications from web apps. On iPhone and iPad, add Porchlight to the Home Screen first.',
    };
  return { ok: true };
}

/** `p` or a rejection with `message` after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The app's service worker registration, or null when none is registered (development builds). */
export async function registration(): Promise<ServiceWorkerRegistration | null> {
  const reg = await withTimeout(
    navigator.serviceWorker.getRegistration('/'),
    PUSH_LOOKUP_TIMEOUT_MS,
    'The app’s service worker did not answer.',
  );
  return reg ?? null;
}

/** This browser's current push subscription, if any. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  const reg = await registration();
  if (!reg) return null;
  return withTimeout(
    reg.pushManager.getSubscription(),
    PUSH_LOOKUP_TIMEOUT_MS,
    'The browser did not say whether notifications are on.',
  );
}

/** base64url -> bytes, for `applicationServerKey`. */
export function base64UrlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(s.length / 4) * 4, '=');
  const raw = atob(b64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/**
 * Asks permission (call it from a click: browsers ignore or punish prompts without a gesture)
 * and subscribes with the server's VAPID key. Throws an Error with a readable message.
 */
export async function subscribeThisBrowser(publicKey: string): Promise<PushSubscription> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted')
    throw new Error(
      permission === 'denied'
        ? 'Notifications are blocked for this site. Allow them in the browser’s site settings, then try again.'
        : 'Notifications were not allowed.',
    );
  const reg = await registration();
  if (!reg)
    throw new Error(
      'The app is not installed as a web app here (no service worker): reload and try again.',
    );
  try {
    return await withTimeout(
      reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlToBytes(publicKey),
      }),
      PUSH_SUBSCRIBE_TIMEOUT_MS,
      'no answer',
    );
  } catch (e) {
    // The browser's own wording ("Registration failed - permission denied", AbortError) names
    // neither the cause nor the fix.
    throw new Error(
      `This browser could not reach its push service (${e instanceof Error ? e.message : String(e)}). ` +
        'Check the internet connection and try again.',
    );
  }
}

/** Unsubscribes this browser (best effort: the server forgets it either way). */
export async function unsubscribeThisBrowser(sub: PushSubscription): Promise<void> {
  await withTimeout(sub.unsubscribe(), PUSH_LOOKUP_TIMEOUT_MS, 'timeout').catch(() => false);
}
