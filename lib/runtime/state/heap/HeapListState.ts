import { ListState } from '../../../core/state/State';
import { AbstractHeapState, InternalMergingState, TtlValue } from './AbstractHeapState';

/**
 * Flink's HeapListState. Stored as an array (with TTL: an array of values with their own
 * timestamps, as Flink's TtlListState expires elements one by one).
 */
export class HeapListState<K, N, T> extends AbstractHeapState<K, N, unknown[]> implements ListState<T>, InternalMergingState<N> {
  protected readonly kindName = 'ListState';

  /** Read through getForUpdate, as Flink copies on read: a caller may change the elements. */
  get(): readonly T[] {
    this.ttl?.accessed();
    const stored = this.table.getForUpdate(this.namespace);
    if (stored === undefined) return [];
    if (!this.ttl) return stored as T[];
    const elements = stored as TtlValue<T>[];
    const live = elements.filter((e) => !this.ttl!.expired(e.t));
    const visible = this.ttl.returnExpired ? elements : live;
    if (live.length === 0) this.table.remove(this.namespace);
    else if (this.ttl.updateOnRead) {
      const now = this.ttl.now();
      this.table.put(
        this.namespace,
        live.map((e) => ({ v: e.v, t: now })),
      );
    } else if (live.length !== elements.length) this.table.put(this.namespace, live);
    return visible.map((e) => e.v);
  }

  add(value: T): void {
    this.ttl?.accessed();
    if (value === undefined || value === null) throw new TypeError(`ListState '${this.name}': you cannot add null to a ListState`);
    this.checkValue(value);
    const list = this.table.getForUpdate(this.namespace);
    const element = this.ttl ? { v: value, t: this.ttl.now() } : value;
    if (list === undefined) this.table.put(this.namespace, [element]);
    else list.push(element);
  }

  addAll(values: Iterable<T>): void {
    for (const v of values) this.add(v);
  }

  update(values: Iterable<T>): void {
    this.clear();
    this.addAll(values);
  }

  mergeNamespaces(target: N, sources: readonly N[]): void {
    if (this.ttl) throw new Error(`ListState '${this.name}' has a TTL and cannot be merged`);
    let merged: unknown[] | undefined;
    for (const source of sources) {
      const list = this.table.get(source);
      if (list === undefined) continue;
      this.table.remove(source);
      merged = merged === undefined ? list.slice() : merged.concat(list);
    }
    if (merged === undefined) return;
    // Flink: the target's elements first, then the merged sources'.
    const current = this.table.getForUpdate(target);
    if (current === undefined) this.table.put(target, merged);
    else for (const e of merged) current.push(e);
  }
}
