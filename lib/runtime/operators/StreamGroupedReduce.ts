import { KeySelector, ReduceFunction } from '../../core/functions';
import { restorePrimitiveNamespace, VOID_NAMESPACE } from '../state/Namespace';
import { copyStateValue } from '../state/heap/AbstractHeapState';
import { StateTable } from '../state/StateTable';
import { AbstractKeyedStreamOperator } from './AbstractKeyedStreamOperator';

/**
 * Rolling reduce on a keyed stream (Flink's StreamGroupedReduceOperator): keeps the current
 * value per key in keyed state and emits it after every element.
 */
export class StreamGroupedReduce<T, K> extends AbstractKeyedStreamOperator<T, T, K> {
  private values!: StateTable<K, null, T>;
  /** The value the last element reduced to, set by `reduceStep`. */
  private reduced!: T;
  /**
   * Flink's reduce transformation: the element for a new key, else reduce(current, element).
   * The table copies the first element before the reduce function gets it (transform: a
   * borrowed value): records are passed by reference, and a reduce function that changes its
   * first argument must not change a record that an upstream operator still holds, in its
   * state or in a snapshot not yet written.
   */
  private readonly reduceStep = (current: T | undefined, value: T): T => (this.reduced = current === undefined ? value : this.reduce(current, value));

  constructor(
    private readonly keySelector: KeySelector<T, K>,
    private readonly reduce: ReduceFunction<T>,
    name: string,
  ) {
    super(name);
  }

  override open(): void {
    // A reduce function may change its first argument and return it (allowed in Flink): the
    // table hands it a copy of a value a snapshot still holds (transform), copied once per key
    // and checkpoint, so a snapshot stays as it was at its barrier.
    this.values = this.keyed.backend.createTable<null, T>('_op_state', copyStateValue, restorePrimitiveNamespace);
  }

  processElement(value: T, timestamp: number): void {
    try {
      this.setCurrentKey(this.keySelector(value));
      this.values.transform(VOID_NAMESPACE, value, this.reduceStep);
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    this.output.collect(this.reduced, timestamp);
  }

  numberOfKeys(): number {
    return this.values.size();
  }
}
