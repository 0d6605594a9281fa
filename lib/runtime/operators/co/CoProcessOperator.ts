import { CoProcessFunction } from '../../../core/process/CoFunctions';
import { copyFunction } from '../../../core/process/RuntimeContext';
import { AbstractTwoInputStreamOperator } from '../AbstractTwoInputStreamOperator';
import { functionRuntimeContext } from '../FunctionRuntimeContext';
import { NonKeyedProcessContext } from '../NonKeyedProcessContext';

/** Flink's CoProcessOperator: a CoProcessFunction on two non-keyed inputs. */
export class CoProcessOperator<IN1, IN2, R> extends AbstractTwoInputStreamOperator<IN1, IN2, R> {
  private readonly fn: CoProcessFunction<IN1, IN2, R>;
  private readonly ctx = new NonKeyedProcessContext<R>(
    () => this.output,
    () => this.context.processingTimeService.getCurrentProcessingTime(),
  );

  constructor(fn: CoProcessFunction<IN1, IN2, R>, name: string) {
    super(name, false);
    this.fn = copyFunction(fn);
  }

  override open(): void {
    this.fn.setRuntimeContext(functionRuntimeContext(this.context, undefined));
    this.fn.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    this.ctx.enterElement(timestamp);
    try {
      this.fn.processElement1(value, this.ctx, this.ctx.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  processElement2(value: IN2, timestamp: number): void {
    this.ctx.enterElement(timestamp);
    try {
      this.fn.processElement2(value, this.ctx, this.ctx.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  override processWatermark(watermark: number): void {
    this.ctx.advanceWatermark(watermark);
    super.processWatermark(watermark);
  }

  override close(): void {
    this.fn.close();
  }
}
