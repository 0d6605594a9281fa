import { StreamOperator } from './StreamOperator';
import { WatermarkStatus } from './WatermarkStatus';

/**
 * Flink's TwoInputStreamOperator: records, watermarks and watermark status arrive per input.
 * It is a StreamOperator too (so a chain can hold it as its head); its one-input
 * processElement is not used.
 */
export interface TwoInputStreamOperator<IN1, IN2, OUT> extends StreamOperator<IN1, OUT> {
  processElement1(value: IN1, timestamp: number): void;
  processElement2(value: IN2, timestamp: number): void;
  processWatermark1(watermark: number): void;
  processWatermark2(watermark: number): void;
  processWatermarkStatus1(status: WatermarkStatus): void;
  processWatermarkStatus2(status: WatermarkStatus): void;
}

export function isTwoInputOperator(op: StreamOperator<unknown, unknown>): op is TwoInputStreamOperator<unknown, unknown, unknown> {
  return typeof (op as Partial<TwoInputStreamOperator<unknown, unknown, unknown>>).processElement2 === 'function';
}
