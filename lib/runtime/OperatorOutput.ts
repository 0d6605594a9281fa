import { OutputTag } from '../core/OutputTag';
import { Output, StreamOperator } from './StreamOperator';
import { OperatorMetrics } from './TaskMetrics';
import { WatermarkStatus } from './WatermarkStatus';

/** Hands records to the next operator of the chain by a plain call. */
export class ChainingOutput implements Output<unknown> {
  constructor(
    private readonly next: StreamOperator<unknown, unknown>,
    private readonly nextMetrics: OperatorMetrics,
  ) {}

  collect(value: unknown, timestamp: number): void {
    this.nextMetrics.numRecordsIn++;
    this.next.processElement(value, timestamp);
  }

  collectSide(): void {
    throw new Error('side outputs are routed by OperatorOutput');
  }

  emitWatermark(watermark: number): void {
    this.next.processWatermark(watermark);
  }

  emitWatermarkStatus(status: WatermarkStatus): void {
    this.next.processWatermarkStatus(status);
  }
}

/**
 * The output an operator sees: its main output (to one or more chained operators or record
 * writers) and its side outputs by tag. Counts numRecordsOut; watermarks reach every
 * consumer, main and side.
 */
export class OperatorOutput implements Output<unknown> {
  private readonly single: Output<unknown> | undefined;
  private readonly everyConsumer: readonly Output<unknown>[];

  constructor(
    private readonly main: readonly Output<unknown>[],
    private readonly side: ReadonlyMap<string, readonly Output<unknown>[]>,
    private readonly metrics: OperatorMetrics,
  ) {
    this.single = main.length === 1 ? main[0] : undefined;
    this.everyConsumer = [...main, ...[...side.values()].flat()];
  }

  collect(value: unknown, timestamp: number): void {
    this.metrics.numRecordsOut++;
    if (this.single) {
      this.single.collect(value, timestamp);
      return;
    }
    for (const o of this.main) o.collect(value, timestamp);
  }

  collectSide<S>(tag: OutputTag<S>, value: S, timestamp: number): void {
    const outputs = this.side.get(tag.id);
    if (!outputs) return; // Flink: a side output nobody consumes is dropped.
    for (const o of outputs) o.collect(value, timestamp);
  }

  emitWatermark(watermark: number): void {
    this.metrics.currentOutputWatermark = watermark;
    for (const o of this.everyConsumer) o.emitWatermark(watermark);
  }

  emitWatermarkStatus(status: WatermarkStatus): void {
    for (const o of this.everyConsumer) o.emitWatermarkStatus(status);
  }
}
