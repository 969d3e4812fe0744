import type { Box } from '@porchlight/protocol';

/**
 * Changed cells -> motion regions. The difference image is pooled into square cells (robust to
 * sensor noise and single-pixel flicker), the active cells are grouped into 8-connected
 * components and each component becomes a normalized box.
 */
export interface RegionOptions {
  /** Cell side in pixels of the small frame. */
  cell: number;
  /** A cell is active when at least this fraction of its pixels changed. */
  cellFraction: number;
  /** Components smaller than this many cells are noise (leaves, rain, compression). */
  minCells: number;
}

export function changedCells(
  changed: Uint8Array,
  width: number,
  height: number,
  options: RegionOptions,
): { cols: number; rows: number; active: Uint8Array } {
  const { cell } = options;
  const cols = Math.ceil(width / cell);
  const rows = Math.ceil(height / cell);
  const counts = new Uint32Array(cols * rows);
  const sizes = new Uint32Array(cols * rows);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / cell) * cols;
    for (let x = 0; x < width; x++) {
      const c = row + Math.floor(x / cell);
      sizes[c]!++;
      if (changed[y * width + x]) counts[c]!++;
    }
  }
  const active = new Uint8Array(cols * rows);
  for (let c = 0; c < active.length; c++) {
    active[c] = counts[c]! >= options.cellFraction * sizes[c]! && counts[c]! > 0 ? 1 : 0;
  }
  return { cols, rows, active };
}

/** 8-connected components of the active cells, as normalized boxes of the frame. */
export function cellRegions(
  grid: { cols: number; rows: number; active: Uint8Array },
  options: Pick<RegionOptions, 'minCells'>,
): Box[] {
  const { cols, rows, active } = grid;
  const seen = new Uint8Array(active.length);
  const boxes: Box[] = [];
  const stack: number[] = [];
  for (let start = 0; start < active.length; start++) {
    if (!active[start] || seen[start]) continue;
    let count = 0;
    let [x0, y0, x1, y1] = [cols, rows, -1, -1];
    stack.push(start);
    seen[start] = 1;
    while (stack.length) {
      const c = stack.pop()!;
      const cx = c % cols;
      const cy = (c - cx) / cols;
      count++;
      x0 = Math.min(x0, cx);
      y0 = Math.min(y0, cy);
      x1 = Math.max(x1, cx);
      y1 = Math.max(y1, cy);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = cx + dx;
          const ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) continue;
          const n = ny * cols + nx;
          if (active[n] && !seen[n]) {
            seen[n] = 1;
            stack.push(n);
          }
        }
      }
    }
    if (count < options.minCells) continue;
    boxes.push([x0 / cols, y0 / rows, (x1 + 1 - x0) / cols, (y1 + 1 - y0) / rows]);
  }
  return boxes;
}
