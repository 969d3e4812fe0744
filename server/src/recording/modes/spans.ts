/** A half-open stretch of camera time, unix ms: [from, until). */
export interface Span {
  from: number;
  until: number;
}

/** The end used for overlap tests: a zero-length segment still occupies its first millisecond. */
export function segmentEnd(startMs: number, durationMs: number): number {
  return startMs + Math.max(durationMs, 1);
}

/** Disjoint spans in time order; adding merges overlapping or touching spans. */
export class SpanList {
  #spans: Span[] = [];

  get spans(): readonly Readonly<Span>[] {
    return this.#spans;
  }

  add(from: number, until: number): void {
    if (!(until > from)) return;
    let merged: Span = { from, until };
    const rest: Span[] = [];
    for (const s of this.#spans) {
      if (s.from <= merged.until && s.until >= merged.from) {
        merged = { from: Math.min(s.from, merged.from), until: Math.max(s.until, merged.until) };
      } else rest.push(s);
    }
    rest.push(merged);
    this.#spans = rest.sort((a, b) => a.from - b.from);
  }

  /** Ends every span at `at` at the latest (a mode was left). */
  clip(at: number): void {
    this.#spans = this.#spans
      .map((s) => ({ from: s.from, until: Math.min(s.until, at) }))
      .filter((s) => s.until > s.from);
  }

  /** Some span shares at least a millisecond with [start, end). */
  overlaps(start: number, end: number): boolean {
    return this.#spans.some((s) => s.from < end && s.until > start);
  }

  contains(t: number): boolean {
    return this.#spans.some((s) => s.from <= t && t < s.until);
  }

  /** Forgets spans that ended before `before`. */
  prune(before: number): void {
    this.#spans = this.#spans.filter((s) => s.until >= before);
  }
}
