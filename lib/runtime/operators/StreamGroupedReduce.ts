import { KeySelector, ReduceFunction } from '../../api/functions';
import { AbstractStreamOperator } from '../AbstractStreamOperator';
import { KeyId, keyIdentity } from '../KeyIdentity';

/**
 * Rolling reduce on a keyed stream (Flink's StreamGroupedReduceOperator): keeps the current
 * value per key and emits it after every element.
 */
export class StreamGroupedReduce<T, K> extends AbstractStreamOperator<T, T> {
  private readonly values = new Map<KeyId, T>();

  constructor(
    private readonly keySelector: KeySelector<T, K>,
    private readonly reduce: ReduceFunction<T>,
    name: string,
  ) {
    super(name);
  }

  processElement(value: T, timestamp: number): void {
    let next: T;
    try {
      const id = keyIdentity(this.keySelector(value));
      const current = this.values.get(id);
      next = current === undefined ? value : this.reduce(current, value);
      this.values.set(id, next);
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    this.output.collect(next, timestamp);
  }

  numberOfKeys(): number {
    return this.values.size;
  }
}
