import type { ProducerInfo } from '@porchlight/protocol';

export interface DirectoryDiff {
  added: ProducerInfo[];
  removed: ProducerInfo[];
  updated: ProducerInfo[];
}

/**
 * The producers the server announced to this peer. Entries are immutable (updates replace the
 * object) and `list()` returns the same array until something changes, so UI stores can compare
 * by reference.
 */
export class ProducerDirectory {
  private readonly byId = new Map<string, ProducerInfo>();
  private snapshot: readonly ProducerInfo[] | undefined;

  get(producerId: string): ProducerInfo | undefined {
    return this.byId.get(producerId);
  }

  has(producerId: string): boolean {
    return this.byId.has(producerId);
  }

  list(): readonly ProducerInfo[] {
    this.snapshot ??= Object.freeze([...this.byId.values()]);
    return this.snapshot;
  }

  /** Adds or replaces one producer; says which. */
  upsert(info: ProducerInfo): 'added' | 'updated' {
    const existed = this.byId.has(info.producerId);
    this.byId.set(info.producerId, info);
    this.snapshot = undefined;
    return existed ? 'updated' : 'added';
  }

  remove(producerId: string): ProducerInfo | undefined {
    const info = this.byId.get(producerId);
    if (!info) return undefined;
    this.byId.delete(producerId);
    this.snapshot = undefined;
    return info;
  }

  setPaused(producerId: string, paused: boolean): ProducerInfo | undefined {
    const info = this.byId.get(producerId);
    if (!info || info.paused === paused) return undefined;
    const updated = { ...info, paused };
    this.byId.set(producerId, updated);
    this.snapshot = undefined;
    return updated;
  }

  /** Replaces the whole set (after a join) and reports the difference. */
  replace(producers: readonly ProducerInfo[]): DirectoryDiff {
    const next = new Map(producers.map((p) => [p.producerId, p]));
    const diff: DirectoryDiff = { added: [], removed: [], updated: [] };
    for (const [id, old] of this.byId) if (!next.has(id)) diff.removed.push(old);
    for (const [id, info] of next) {
      const old = this.byId.get(id);
      if (!old) diff.added.push(info);
      else if (!sameInfo(old, info)) diff.updated.push(info);
    }
    this.byId.clear();
    for (const [id, info] of next) this.byId.set(id, info);
    this.snapshot = undefined;
    return diff;
  }

  clear(): ProducerInfo[] {
    return this.replace([]).removed;
  }
}

function sameInfo(a: ProducerInfo, b: ProducerInfo): boolean {
  return (
    a.peerId === b.peerId &&
    a.label === b.label &&
    a.kind === b.kind &&
    a.source === b.source &&
    a.paused === b.paused &&
    a.layers === b.layers &&
    a.allowed.length === b.allowed.length &&
    a.allowed.every((action) => b.allowed.includes(action))
  );
}
