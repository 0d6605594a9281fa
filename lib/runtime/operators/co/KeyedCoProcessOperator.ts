import { KeySelector } from '../../../core/functions';
import { KeyedCoProcessFunction } from '../../../core/process/CoFunctions';
import { copyFunction } from '../../../core/process/RuntimeContext';
import { AbstractTwoInputStreamOperator } from '../AbstractTwoInputStreamOperator';
import { functionRuntimeContext } from '../FunctionRuntimeContext';
import { KeyedProcessFunctionRunner } from '../KeyedProcessFunctionRunner';
import { TimestampedCollector } from '../TimestampedCollector';

/** Flink's KeyedCoProcessOperator: two keyed inputs sharing keyed state and timers. */
export class KeyedCoProcessOperator<K, IN1, IN2, R> extends AbstractTwoInputStreamOperator<IN1, IN2, R, K> {
  private readonly fn: KeyedCoProcessFunction<K, IN1, IN2, R>;
  private runner!: KeyedProcessFunctionRunner<K, R>;

  constructor(
    private readonly keySelector1: KeySelector<IN1, K>,
    private readonly keySelector2: KeySelector<IN2, K>,
    fn: KeyedCoProcessFunction<K, IN1, IN2, R>,
    name: string,
  ) {
    super(name, true);
    this.fn = copyFunction(fn);
  }

  override open(): void {
    this.runner = new KeyedProcessFunctionRunner<K, R>(
      this.keyed,
      new TimestampedCollector(() => this.output),
      this.output,
      (timestamp, ctx, out) => this.fn.onTimer(timestamp, ctx, out),
      (error, record) => this.userFunctionFailed(error, record),
    );
    this.fn.setRuntimeContext(functionRuntimeContext(this.context, () => this.keyed.backend as never));
    this.fn.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    try {
      this.runner.enterElement(this.keySelector1(value), timestamp);
      this.fn.processElement1(value, this.runner.ctx, this.runner.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  processElement2(value: IN2, timestamp: number): void {
    try {
      this.runner.enterElement(this.keySelector2(value), timestamp);
      this.fn.processElement2(value, this.runner.ctx, this.runner.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  override close(): void {
    super.close();
    this.fn.close();
  }
}
