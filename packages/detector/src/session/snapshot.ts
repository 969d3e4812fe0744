import { DETECTION_LIMITS, type Box } from '@porchlight/protocol';

export interface SnapshotOptions {
  /** Wider frames are scaled down to this width. Default 1280. */
  maxWidth: number;
  /** JPEG qualities tried in order until the image fits maxBytes. Default [0.8, 0.65, 0.5]. */
  qualities: number[];
  /** Default DETECTION_LIMITS.snapshotBytes (what the server accepts). */
  maxBytes: number;
  /** Box outline colour. Default amber. */
  color: string;
}

export const DEFAULT_SNAPSHOT_OPTIONS: SnapshotOptions = {
  maxWidth: 1280,
  qualities: [0.8, 0.65, 0.5],
  maxBytes: DETECTION_LIMITS.snapshotBytes,
  color: '#ffb300',
};

export class SnapshotTooLargeError extends Error {
  override readonly name = 'SnapshotTooLargeError';
}

/** The frame as a JPEG with the person's box drawn on it (OffscreenCanvas: no DOM needed). */
export async function drawSnapshot(
  frame: ImageBitmap,
  box: Box,
  options: Partial<SnapshotOptions> = {},
): Promise<Blob> {
  const o = { ...DEFAULT_SNAPSHOT_OPTIONS, ...options };
  // Halve the size when even the lowest quality is too big (noisy night footage).
  for (const scale of [1, 0.5]) {
    const s = Math.min(1, o.maxWidth / frame.width) * scale;
    const w = Math.max(1, Math.round(frame.width * s));
    const h = Math.max(1, Math.round(frame.height * s));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context for the snapshot');
    ctx.drawImage(frame, 0, 0, w, h);
    ctx.lineWidth = Math.max(2, Math.round(w / 320));
    ctx.strokeStyle = o.color;
    ctx.strokeRect(box[0] * w, box[1] * h, box[2] * w, box[3] * h);
    for (const quality of o.qualities) {
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
      if (blob.size <= o.maxBytes) return blob;
    }
  }
  throw new SnapshotTooLargeError(`snapshot over ${o.maxBytes} bytes even at half size`);
}
