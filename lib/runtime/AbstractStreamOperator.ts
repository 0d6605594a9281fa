import { MalformedRecordError, UserFunctionError, describeRecord } from './errors';
import { OperatorContext, Output, StreamOperator } from './StreamOperator';
import { OperatorMetrics } from './TaskMetrics';
import { WatermarkStatus } from './WatermarkStatus';

/** Defaults shared by operators: forward watermarks and status, nothing to flush or close. */
export abstract class AbstractStreamOperator<IN, OUT> implements StreamOperator<IN, OUT> {
  protected output!: Output<OUT>;
  protected context!: OperatorContext;
  protected metrics: OperatorMetrics = new OperatorMetrics('unset');

  constructor(readonly name: string) {}

  setup(context: OperatorContext, output: Output<OUT>): void {
    this.context = context;
    this.output = output;
    this.metrics = context.metrics;
  }

  open(): void {}

  abstract processElement(value: IN, timestamp: number): void;

  processWatermark(watermark: number): void {
    this.metrics.currentOutputWatermark = watermark;
    this.output.emitWatermark(watermark);
  }

  processWatermarkStatus(status: WatermarkStatus): void {
    this.output.emitWatermarkStatus(status);
  }

  endInput(): void {}

  flush(): void {}

  close(): void {}

  /**
   * A user function threw on `record`. MalformedRecordError means "skip this input": count it
   * and log it under the task's namespace. Anything else fails the task, naming this operator.
   */
  protected userFunctionFailed(error: unknown, record: unknown): void {
    if (error instanceof MalformedRecordError) {
      this.metrics.numRecordsSkipped++;
      this.context?.log('%s skipped malformed record %s: %s', this.name, describeRecord(record), error.message);
      return;
    }
    throw new UserFunctionError(this.name, record, error);
  }
}
