import { useEffect } from 'react';
import { useStore } from '../store/index.ts';

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    target instanceof HTMLButtonElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

/**
 * Holding Space anywhere talks to `peerId` (the enlarged camera, or the only one). Focused
 * buttons and text fields keep Space for themselves; PTT buttons handle it on their own.
 */
export function useSpaceToTalk(peerId: string | null): void {
  useEffect(() => {
    if (!peerId) return;
    const { pressPtt, releasePtt } = useStore.getState();
    const down = (event: KeyboardEvent): void => {
      if (event.code !== 'Space' || isTyping(event.target)) return;
      event.preventDefault();
      if (!event.repeat) pressPtt(peerId);
    };
    const up = (event: KeyboardEvent): void => {
      if (event.code !== 'Space' || isTyping(event.target)) return;
      event.preventDefault();
      releasePtt(peerId);
    };
    // Switching tabs mid-press would otherwise leave the mic open.
    const blur = (): void => releasePtt(peerId);
    addEventListener('keydown', down);
    addEventListener('keyup', up);
    addEventListener('blur', blur);
    return () => {
      removeEventListener('keydown', down);
      removeEventListener('keyup', up);
      removeEventListener('blur', blur);
      releasePtt(peerId);
    };
  }, [peerId]);
}
