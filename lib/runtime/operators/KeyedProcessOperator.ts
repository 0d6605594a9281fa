import { KeySelector } from '../../core/functions';
import { KeyedProcessFunction } from '../../core/process/ProcessFunction';
import { copyFunction } from '../../core/process/RuntimeContext';
import { AbstractKeyedStreamOperator } from './AbstractKeyedStreamOperator';
import { functionRuntimeContext } from './FunctionRuntimeContext';
import { KeyedProcessFunctionRunner } from './KeyedProcessFunctionRunner';
import { TimestampedCollector } from './TimestampedCollector';

/** Flink's KeyedProcessOperator: runs a KeyedProcessFunction with keyed state and timers. */
export class KeyedProcessOperator<K, I, O> extends AbstractKeyedStreamOperator<I, O, K> {
  private readonly fn: KeyedProcessFunction<K, I, O>;
  private runner!: KeyedProcessFunctionRunner<K, O>;

  constructor(
    private readonly keySelector: KeySelector<I, K>,
    fn: KeyedProcessFunction<K, I, O>,
    name: string,
  ) {
    super(name);
    this.fn = copyFunction(fn);
  }

  override open(): void {
    this.runner = new KeyedProcessFunctionRunner<K, O>(
      this.keyed,
      new TimestampedCollector(() => this.output),
      this.output,
      (timestamp, ctx, out) => this.fn.onTimer(timestamp, ctx, out),
      (error, record) => this.userFunctionFailed(error, record),
    );
    this.fn.setRuntimeContext(functionRuntimeContext(this.context, () => this.keyed.backend as never));
    this.fn.open();
  }

  processElement(value: I, timestamp: number): void {
    try {
      this.runner.enterElement(this.keySelector(value), timestamp);
      this.fn.processElement(value, this.runner.ctx, this.runner.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  override close(): void {
    super.close();
    this.fn.close();
  }
}
