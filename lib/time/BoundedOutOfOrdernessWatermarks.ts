import { MIN_WATERMARK } from './Watermark';
import { WatermarkGenerator, WatermarkOutput } from './WatermarkGenerator';

/**
 * Flink's BoundedOutOfOrdernessWatermarks: watermark = maxSeenTimestamp - bound - 1, because a
 * watermark W promises that no later element has a timestamp <= W. Monotonous timestamps are
 * the case bound = 0.
 */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;

  constructor(private readonly outOfOrdernessMillis: number) {
    if (outOfOrdernessMillis < 0) throw new RangeError('maxOutOfOrderness cannot be negative');
    // Flink starts at Long.MIN_VALUE + bound + 1 so that the first watermark is Long.MIN_VALUE.
    this.maxTimestamp = MIN_WATERMARK + outOfOrdernessMillis + 1;
  }

  onEvent(_event: T, eventTimestamp: number, _output: WatermarkOutput): void {
    if (eventTimestamp > this.maxTimestamp) this.maxTimestamp = eventTimestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    output.emitWatermark(this.maxTimestamp - this.outOfOrdernessMillis - 1);
  }
}
