import { ReduceFunction } from '../../../api/functions';
import { ReducingState } from '../State';
import { AbstractHeapState, InternalMergingState, TtlValue } from './AbstractHeapState';

/** Flink's HeapReducingState: keeps one value, reduced with every added element. */
export class HeapReducingState<K, N, T> extends AbstractHeapState<K, N, unknown> implements ReducingState<T>, InternalMergingState<N> {
  reduceFunction!: ReduceFunction<T>;

  get(): T | undefined {
    this.ttl?.accessed();
    const stored = this.table.get(this.namespace);
    if (stored === undefined || !this.ttl) return stored as T | undefined;
    const wrapped = stored as TtlValue<T>;
    if (this.ttl.expired(wrapped.t)) {
      this.table.remove(this.namespace);
      return this.ttl.returnExpired ? wrapped.v : undefined;
    }
    if (this.ttl.updateOnRead) this.table.put(this.namespace, { v: wrapped.v, t: this.ttl.now() });
    return wrapped.v;
  }

  add(value: T): void {
    this.ttl?.accessed();
    const current = this.get();
    const next = current === undefined ? value : this.reduceFunction(current, value);
    this.table.put(this.namespace, this.ttl ? { v: next, t: this.ttl.now() } : next);
  }

  mergeNamespaces(target: N, sources: readonly N[]): void {
    if (this.ttl) throw new Error(`ReducingState '${this.name}' has a TTL and cannot be merged`);
    let merged: T | undefined;
    for (const source of sources) {
      const v = this.table.get(source) as T | undefined;
      if (v === undefined) continue;
      this.table.remove(source);
      merged = merged === undefined ? v : this.reduceFunction(merged, v);
    }
    if (merged === undefined) return;
    const current = this.table.get(target) as T | undefined;
    this.table.put(target, current === undefined ? merged : this.reduceFunction(current, merged));
  }
}
