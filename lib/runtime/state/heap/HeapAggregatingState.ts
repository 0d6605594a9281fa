import { AggregateFunction } from '../../../core/functions';
import { AggregatingState } from '../../../core/state/State';
import { AbstractHeapState, InternalMergingState, TtlValue } from './AbstractHeapState';

/** Flink's HeapAggregatingState: keeps one accumulator; get() is the function's result. */
export class HeapAggregatingState<K, N, IN, ACC, OUT> extends AbstractHeapState<K, N, unknown> implements AggregatingState<IN, OUT>, InternalMergingState<N> {
  aggregateFunction!: AggregateFunction<IN, ACC, OUT>;
  protected readonly kindName = 'AggregatingState';

  get(): OUT | undefined {
    this.ttl?.accessed();
    const acc = this.accumulator(false);
    return acc === undefined ? undefined : this.aggregateFunction.getResult(acc);
  }

  add(value: IN): void {
    this.ttl?.accessed();
    const fn = this.aggregateFunction;
    const acc = fn.add(value, this.accumulator(true) ?? fn.createAccumulator());
    // The accumulator is what is stored; the added value need not be plain data.
    this.checkValue(acc);
    this.table.put(this.namespace, this.ttl ? { v: acc, t: this.ttl.now() } : acc);
  }

  mergeNamespaces(target: N, sources: readonly N[]): void {
    if (this.ttl) throw new Error(`AggregatingState '${this.name}' has a TTL and cannot be merged`);
    const fn = this.aggregateFunction;
    let merged: ACC | undefined;
    for (const source of sources) {
      const acc = this.table.getForUpdate(source) as ACC | undefined;
      if (acc === undefined) continue;
      this.table.remove(source);
      merged = merged === undefined ? acc : fn.merge(merged, acc);
    }
    if (merged === undefined) return;
    const current = this.table.getForUpdate(target) as ACC | undefined;
    this.table.put(target, current === undefined ? merged : fn.merge(current, merged));
  }

  /**
   * The accumulator of the current key, copied first if a snapshot holds it (user functions
   * may change it in place). An expired one is removed; `adding` starts afresh instead of
   * returning it.
   */
  private accumulator(adding: boolean): ACC | undefined {
    const stored = this.table.getForUpdate(this.namespace);
    if (stored === undefined || !this.ttl) return stored as ACC | undefined;
    const wrapped = stored as TtlValue<ACC>;
    if (this.ttl.expired(wrapped.t)) {
      this.table.remove(this.namespace);
      return this.ttl.returnExpired && !adding ? wrapped.v : undefined;
    }
    if (this.ttl.updateOnRead && !adding) this.table.put(this.namespace, { v: wrapped.v, t: this.ttl.now() });
    return wrapped.v;
  }
}
