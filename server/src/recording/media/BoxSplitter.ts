import { Fmp4Error } from './errors.ts';

/** Larger top-level boxes mean a corrupt stream: a 1 s fragment of a camera is far smaller. */
export const MAX_BOX_SIZE = 256 * 1024 * 1024;

/**
 * Cuts a byte stream (arbitrary chunk boundaries) into whole top-level ISO-BMFF boxes. Chunks are
 * queued, not concatenated on every push, so 1-byte chunks stay linear.
 */
export class BoxSplitter {
  readonly #maxBoxSize: number;
  #chunks: Buffer[] = [];
  /** Index of the first unconsumed chunk (Array#shift is linear on long queues). */
  #head = 0;
  #length = 0;
  /** Size of the box at the head of the queue once its header is complete. */
  #boxSize: number | null = null;

  constructor(o: { maxBoxSize?: number | undefined } = {}) {
    this.#maxBoxSize = o.maxBoxSize ?? MAX_BOX_SIZE;
  }

  /** Bytes held for a box that is not complete yet. */
  get buffered(): number {
    return this.#length;
  }

  /** Returns the boxes this chunk completes (each its own copy). Throws Fmp4Error on bad sizes. */
  push(chunk: Buffer): Buffer[] {
    return [...this.feed(chunk)];
  }

  /**
   * Queues the chunk now and yields the completed boxes one by one, so a caller can use the
   * boxes before a corrupt one before the Fmp4Error is thrown.
   */
  feed(chunk: Buffer): Iterable<Buffer> {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#length += chunk.length;
    }
    return this.#drain();
  }

  *#drain(): Generator<Buffer, void, undefined> {
    for (;;) {
      this.#boxSize ??= this.#readSize();
      if (this.#boxSize === null || this.#length < this.#boxSize) return;
      const box = this.#take(this.#boxSize);
      this.#boxSize = null;
      yield box;
    }
  }

  #readSize(): number | null {
    if (this.#length < 8) return null;
    const head = this.#peek(Math.min(16, this.#length));
    const size32 = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    let size: number;
    if (size32 === 1) {
      if (head.length < 16) return null;
      const large = head.readBigUInt64BE(8);
      size = large > BigInt(this.#maxBoxSize) ? Infinity : Number(large);
      if (size < 16) throw new Fmp4Error(`${printable(type)} box has invalid largesize ${size}`);
    } else if (size32 === 0) {
      // "Extends to end of file" cannot be cut out of an endless stream.
      throw new Fmp4Error(`${printable(type)} box has size 0 (unbounded), not streamable`);
    } else {
      size = size32;
      if (size < 8) throw new Fmp4Error(`${printable(type)} box has invalid size ${size}`);
    }
    if (size > this.#maxBoxSize) {
      throw new Fmp4Error(`${printable(type)} box is larger than ${this.#maxBoxSize} bytes`);
    }
    return size;
  }

  #peek(n: number): Buffer {
    const first = this.#chunks[this.#head];
    if (first && first.length >= n) return first.subarray(0, n);
    const parts: Buffer[] = [];
    let have = 0;
    for (let i = this.#head; have < n && i < this.#chunks.length; i++) {
      const c = this.#chunks[i]!;
      parts.push(c);
      have += c.length;
    }
    return Buffer.concat(parts, n);
  }

  #take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.#chunks[this.#head]!;
      const used = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, used);
      filled += used;
      if (used === c.length) this.#head++;
      else this.#chunks[this.#head] = c.subarray(used);
    }
    this.#length -= n;
    if (this.#head > 1024 || this.#head === this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }
}

/** Garbage type bytes must not turn error messages into binary noise. */
function printable(type: string): string {
  return /^[\x20-\x7e]{4}$/.test(type) ? `'${type}'` : 'unnamed';
}
