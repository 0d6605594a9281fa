import { OutputTag } from '../../core/OutputTag';
import { ProcessFunctionContext } from '../../core/process/ProcessFunction';
import { TIMERS_NEED_KEYS, TimerService } from '../../core/process/TimerService';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../../time/Watermark';
import { Output } from '../StreamOperator';
import { TimestampedCollector } from './TimestampedCollector';

/**
 * The context of process functions on non-keyed streams (one input, two inputs, broadcast):
 * the element's timestamp, the watermark, side outputs; no timers, which need a key. It keeps
 * the function's collector, whose output carries the element's timestamp.
 */
export class NonKeyedProcessContext<OUT> implements ProcessFunctionContext, TimerService {
  readonly collector: TimestampedCollector<OUT>;
  private ts = NO_TIMESTAMP;
  private watermark = MIN_WATERMARK;

  constructor(
    private readonly operatorOutput: () => Output<OUT>,
    private readonly processingTime: () => number,
  ) {
    this.collector = new TimestampedCollector<OUT>(operatorOutput);
  }

  /** Before the function sees an element: its timestamp is the context's and the collector's. */
  enterElement(timestamp: number): void {
    this.ts = timestamp;
    this.collector.timestamp = timestamp;
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
