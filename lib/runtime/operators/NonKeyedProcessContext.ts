import { OutputTag } from '../../core/OutputTag';
import { ProcessFunctionContext } from '../../core/process/ProcessFunction';
import { TIMERS_NEED_KEYS, TimerService } from '../../core/process/TimerService';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../../time/Watermark';
import { Output } from '../StreamOperator';

/**
 * The context of process functions on non-keyed streams (one input, two inputs, broadcast):
 * the element's timestamp, the watermark, side outputs; no timers, which need a key.
 */
export class NonKeyedProcessContext implements ProcessFunctionContext, TimerService {
  private ts = NO_TIMESTAMP;
  private watermark = MIN_WATERMARK;

  constructor(
    private readonly operatorOutput: () => Output<unknown>,
    private readonly processingTime: () => number,
  ) {}

  /** The timestamp of the element the function is about to see. */
  set(timestamp: number): void {
    this.ts = timestamp;
  }

  advanceWatermark(watermark: number): void {
    this.watermark = watermark;
  }

  timestamp(): number | undefined {
    return this.ts === NO_TIMESTAMP ? undefined : this.ts;
  }
  timerService(): TimerService {
    return this;
  }
  output<S>(tag: OutputTag<S>, value: S): void {
    this.operatorOutput().collectSide(tag, value, this.ts);
  }
  currentProcessingTime(): number {
    return this.processingTime();
  }
  currentWatermark(): number {
    return this.watermark;
  }
  registerEventTimeTimer(): void {
    throw new Error(TIMERS_NEED_KEYS);
  }
  registerProcessingTimeTimer(): void {
    throw new Error(TIMERS_NEED_KEYS);
  }
  deleteEventTimeTimer(): void {
    throw new Error(TIMERS_NEED_KEYS);
  }
  deleteProcessingTimeTimer(): void {
    throw new Error(TIMERS_NEED_KEYS);
  }
}
