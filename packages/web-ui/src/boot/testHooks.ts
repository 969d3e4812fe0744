declare global {
  /**
   * What end-to-end tests reach through `window.porchlight`; modules add theirs by declaration
   * merging (the home app's `client` and `hls`). Only test builds have it.
   */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by merging
  interface PorchlightTestHooks {}
  interface Window {
    porchlight?: PorchlightTestHooks;
  }
}

/**
 * The hooks object, only in builds for the end-to-end tests (`vite build --mode test`). Vite
 * replaces the mode at build time, so a production bundle keeps no trace of the global.
 */
export function testHooks(): PorchlightTestHooks | undefined {
  if (import.meta.env.MODE !== 'test') return undefined;
  window.porchlight ??= {};
  return window.porchlight;
}

/** Publishes `value` as `window.porchlight[name]` in test builds; a no-op otherwise. */
export function exposeTestHook<K extends keyof PorchlightTestHooks>(
  name: K,
  value: PorchlightTestHooks[K],
): void {
  const hooks = testHooks();
  if (hooks) hooks[name] = value;
}
