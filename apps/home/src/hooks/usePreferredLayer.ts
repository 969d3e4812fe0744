import { useEffect, type RefObject } from 'react';
import type { Subscription } from '@porchlight/sdk';

/** Simulcast layer worth receiving for a tile this wide (CSS px): no point decoding 720p into a thumbnail. */
export function layerForWidth(width: number): number {
  if (width < 400) return 0;
  if (width < 900) return 1;
  return 2;
}

/** Keeps the subscription's preferred layer matched to the tile's size (hidden tiles get the lowest). */
export function usePreferredLayer(
  ref: RefObject<HTMLElement | null>,
  subscription: Subscription,
  layers: number,
): void {
  useEffect(() => {
    const element = ref.current;
    if (!element || layers <= 1 || typeof ResizeObserver === 'undefined') return;
    let last: number | undefined;
    const observer = new ResizeObserver((entries) => {
      const width = entries[0]?.contentRect.width ?? element.clientWidth;
      const layer = layerForWidth(width);
      if (layer === last) return;
      last = layer;
      subscription.setPreferredLayer(layer).catch(() => {
        last = undefined;
      });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, subscription, layers]);
}
