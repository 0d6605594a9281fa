/** A binary min-heap ordered by timestamp, ties by insertion sequence (deterministic firing order). */
export interface HeapEntry {
  readonly timestamp: number;
  readonly seq: number;
}

export class TimerHeap<E extends HeapEntry> {
  private readonly items: E[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): E | undefined {
    return this.items[0];
  }

  push(entry: E): void {
    const a = this.items;
    a.push(entry);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(a[i], a[parent])) break;
      swap(a, i, parent);
      i = parent;
    }
  }

  pop(): E | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as E;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l], a[m])) m = l;
        if (r < a.length && less(a[r], a[m])) m = r;
        if (m === i) break;
        swap(a, i, m);
        i = m;
      }
    }
    return top;
  }

  /** Snapshot of the entries (unordered), for checkpoints and inspection. */
  toArray(): readonly E[] {
    return this.items.slice();
  }
}

/** A plain swap: a destructuring swap allocated an array per step in optimized code (heap profile). */
function swap<E>(a: E[], i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function less(a: HeapEntry, b: HeapEntry): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
}
