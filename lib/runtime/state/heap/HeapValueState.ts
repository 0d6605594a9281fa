import { ValueState } from '../../../core/state/State';
import { AbstractHeapState, TtlValue } from './AbstractHeapState';

/** Flink's HeapValueState (and TtlValueState when the descriptor has a TTL). */
export class HeapValueState<K, N, T> extends AbstractHeapState<K, N, unknown> implements ValueState<T> {
  defaultValue: T | undefined;
  protected readonly kindName = 'ValueState';

  value(): T | undefined {
    this.ttl?.accessed();
    const stored = this.table.getForUpdate(this.namespace);
    if (stored === undefined) return this.defaultValue;
    if (!this.ttl) return stored as T;
    const wrapped = stored as TtlValue<T>;
    if (this.ttl.expired(wrapped.t)) {
      this.table.remove(this.namespace);
      return this.ttl.returnExpired ? wrapped.v : this.defaultValue;
    }
    if (this.ttl.updateOnRead) this.table.put(this.namespace, { v: wrapped.v, t: this.ttl.now() });
    return wrapped.v;
  }

  update(value: T): void {
    this.ttl?.accessed();
    if (value === undefined || value === null) {
      this.clear(); // Flink: update(null) clears the state
      return;
    }
    this.checkValue(value);
    this.table.put(this.namespace, this.ttl ? { v: value, t: this.ttl.now() } : value);
  }
}
