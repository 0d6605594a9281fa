import { ReduceFunction } from '../../../core/functions';
import { ReducingState } from '../../../core/state/State';
import { AbstractHeapState, copyStateValue, InternalMergingState, TtlValue } from './AbstractHeapState';

/**
 * Flink's HeapReducingState: keeps one value, reduced with every added element. A reduce
 * function may change its first argument and return it (allowed in Flink), so the stored value
 * is always read for update (getForUpdate, transform): a value a snapshot still holds, or the
 * caller's own first value, is copied first, and the snapshot stays as it was at its barrier.
 */
export class HeapReducingState<K, N, T> extends AbstractHeapState<K, N, unknown> implements ReducingState<T>, InternalMergingState<N> {
  reduceFunction!: ReduceFunction<T>;
  protected readonly kindName = 'ReducingState';

  get(): T | undefined {
    this.ttl?.accessed();
    return this.current();
  }

  add(value: T): void {
    if (!this.ttl) {
      // Flink's HeapReducingState#add: the value is found once, copied first if a snapshot holds
      // it; a first value is the caller's and copied before the reduce function changes it.
      this.table.transform(this.namespace, value, this.reduceTransformation);
      return;
    }
    this.ttl.accessed();
    const current = this.current();
    // With a TTL the stored value is wrapped, so the first one is copied at once.
    const next = current === undefined ? copyStateValue(value) : this.reduceFunction(current, value);
    this.checkValue(next);
    this.table.put(this.namespace, { v: next, t: this.ttl.now() });
  }

  /** What is stored is checked: the first value, then each reduced value. */
  private readonly reduceTransformation = (current: unknown, value: T): unknown => {
    const next = current === undefined ? value : this.reduceFunction(current as T, value);
    this.checkValue(next);
    return next;
  };

  mergeNamespaces(target: N, sources: readonly N[]): void {
    if (this.ttl) throw new Error(`ReducingState '${this.name}' has a TTL and cannot be merged`);
    let merged: T | undefined;
    for (const source of sources) {
      // The first source's value becomes the reduce function's first argument: a copy if shared.
      const v = this.table.getForUpdate(source) as T | undefined;
      if (v === undefined) continue;
      this.table.remove(source);
      merged = merged === undefined ? v : this.reduceFunction(merged, v);
    }
    if (merged === undefined) return;
    const current = this.table.getForUpdate(target) as T | undefined;
    this.table.put(target, current === undefined ? merged : this.reduceFunction(current, merged));
  }

  /** The current key's value, safe to change in place; an expired one is removed (TTL). */
  private current(): T | undefined {
    const stored = this.table.getForUpdate(this.namespace);
    if (stored === undefined || !this.ttl) return stored as T | undefined;
    const wrapped = stored as TtlValue<T>;
    if (this.ttl.expired(wrapped.t)) {
      this.table.remove(this.namespace);
      return this.ttl.returnExpired ? wrapped.v : undefined;
    }
    if (this.ttl.updateOnRead) this.table.put(this.namespace, { v: wrapped.v, t: this.ttl.now() });
    return wrapped.v;
  }
}
