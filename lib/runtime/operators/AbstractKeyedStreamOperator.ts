import { AbstractStreamOperator } from '../AbstractStreamOperator';
import { KeyContext } from '../InternalTimerService';
import { KeyId } from '../KeyIdentity';
import { KeyedStateHandler } from '../state/KeyedStateHandler';
import { OperatorStateSnapshot, StateInitializationContext, StateSnapshotContext } from '../state/OperatorStateSnapshot';
import { OperatorContext, Output } from '../StreamOperator';

/**
 * A one-input operator with keyed state and timers (what Flink's AbstractStreamOperator does
 * when it has a keyed state backend): the current key is set per element and per timer, a
 * watermark fires the due event-time timers before it is forwarded, and checkpoints snapshot
 * the state and timers by key group.
 */
export abstract class AbstractKeyedStreamOperator<IN, OUT, K> extends AbstractStreamOperator<IN, OUT> implements KeyContext<K> {
  protected keyed!: KeyedStateHandler<K>;

  override setup(context: OperatorContext, output: Output<OUT>): void {
    super.setup(context, output);
    this.keyed = new KeyedStateHandler<K>(context, `operator '${this.name}'`);
  }

  initializeState(context: StateInitializationContext): void {
    this.keyed.initialize(context);
  }

  snapshotState(_context: StateSnapshotContext): OperatorStateSnapshot {
    return { keyed: this.keyed.snapshot() };
  }

  getCurrentKey(): K {
    return this.keyed.getCurrentKey();
  }

  getCurrentKeyId(): KeyId {
    return this.keyed.getCurrentKeyId();
  }

  setCurrentKey(key: K): void {
    this.keyed.setCurrentKey(key);
  }

  override processWatermark(watermark: number): void {
    this.keyed.advanceWatermark(watermark);
    super.processWatermark(watermark);
  }

  override close(): void {
    this.keyed.close();
  }
}
