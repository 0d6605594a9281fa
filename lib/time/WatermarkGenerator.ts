/** Where a watermark generator sends what it decides. */
export interface WatermarkOutput {
  emitWatermark(timestamp: number): void;
  /** No elements for a while: leave this output out of downstream watermark minimums. */
  markIdle(): void;
  markActive(): void;
}

/** Flink's WatermarkGenerator: told of every event, asked periodically for a watermark. */
export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

export type TimestampAssigner<T> = (element: T, recordTimestamp: number) => number;
