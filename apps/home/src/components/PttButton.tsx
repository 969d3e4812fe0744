import type { KeyboardEvent, PointerEvent } from 'react';
import { useStore } from '../store/index.ts';

/** Hold to talk to one camera: pointer (mouse, touch, pen) or Space while focused. */
export function PttButton({ peerId, label }: { peerId: string; label: string }) {
  const press = useStore((s) => s.pressPtt);
  const release = useStore((s) => s.releasePtt);
  const active = useStore((s) => s.talkingTo === peerId);

  const onPointerDown = (event: PointerEvent<HTMLButtonElement>): void => {
    if (event.button !== 0) return;
    // Keep receiving pointerup even if the finger slides off the button.
    event.currentTarget.setPointerCapture?.(event.pointerId);
    press(peerId);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>): void => {
    if (event.code !== 'Space' && event.code !== 'Enter') return;
    event.preventDefault();
    event.stopPropagation();
    if (!event.repeat) press(peerId);
  };
  const onKeyUp = (event: KeyboardEvent<HTMLButtonElement>): void => {
    if (event.code !== 'Space' && event.code !== 'Enter') return;
    event.preventDefault();
    event.stopPropagation();
    release(peerId);
  };

  return (
    <button
      type="button"
      className={`ptt${active ? ' ptt--active' : ''}`}
      data-testid="ptt"
      data-peer-id={peerId}
      aria-pressed={active}
      aria-label={`Hold to talk to ${label}`}
      onPointerDown={onPointerDown}
      onPointerUp={() => release(peerId)}
      onPointerCancel={() => release(peerId)}
      onLostPointerCapture={() => release(peerId)}
      onKeyDown={onKeyDown}
      onKeyUp={onKeyUp}
      onBlur={() => release(peerId)}
      onClick={(event) => event.stopPropagation()}
      onContextMenu={(event) => event.preventDefault()}
    >
      {active ? 'Talking…' : 'Hold to talk'}
    </button>
  );
}
