import { ProcessFunction } from '../../core/process/ProcessFunction';
import { copyFunction } from '../../core/process/RuntimeContext';
import { AbstractStreamOperator } from '../AbstractStreamOperator';
import { functionRuntimeContext } from './FunctionRuntimeContext';
import { NonKeyedProcessContext } from './NonKeyedProcessContext';

/** Flink's ProcessOperator: a ProcessFunction on a non-keyed stream (no keyed state, no timers). */
export class ProcessOperator<I, O> extends AbstractStreamOperator<I, O> {
  private readonly fn: ProcessFunction<I, O>;
  private readonly ctx = new NonKeyedProcessContext<O>(
    () => this.output,
    () => this.context.processingTimeService.getCurrentProcessingTime(),
  );

  constructor(fn: ProcessFunction<I, O>, name: string) {
    super(name);
    this.fn = copyFunction(fn);
  }

  override open(): void {
    this.fn.setRuntimeContext(functionRuntimeContext(this.context, undefined));
    this.fn.open();
  }

  processElement(value: I, timestamp: number): void {
    this.ctx.enterElement(timestamp);
    try {
      this.fn.processElement(value, this.ctx, this.ctx.collector);
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
