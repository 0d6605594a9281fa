import { KeySelector, ReduceFunction } from '../../api/functions';
import { restorePrimitiveNamespace, VOID_NAMESPACE } from '../state/Namespace';
import { StateTable } from '../state/StateTable';
import { AbstractKeyedStreamOperator } from './AbstractKeyedStreamOperator';

/**
 * Rolling reduce on a keyed stream (Flink's StreamGroupedReduceOperator): keeps the current
 * value per key in keyed state and emits it after every element.
 */
export class StreamGroupedReduce<T, K> extends AbstractKeyedStreamOperator<T, T, K> {
  private values!: StateTable<K, null, T>;

  constructor(
    private readonly keySelector: KeySelector<T, K>,
    private readonly reduce: ReduceFunction<T>,
    name: string,
  ) {
    super(name);
  }

  override open(): void {
    // Reduced values are replaced, never changed in place: a snapshot may share them.
    this.values = this.keyed.backend.createTable<null, T>('_op_state', (v) => v, restorePrimitiveNamespace);
  }

  processElement(value: T, timestamp: number): void {
    let next: T;
    try {
      this.setCurrentKey(this.keySelector(value));
      const current = this.values.get(VOID_NAMESPACE);
      next = current === undefined ? value : this.reduce(current, value);
      this.values.put(VOID_NAMESPACE, next);
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    this.output.collect(next, timestamp);
  }

  numberOfKeys(): number {
    return this.values.size();
  }
}
