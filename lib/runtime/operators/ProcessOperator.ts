import { OutputTag } from '../../core/OutputTag';
import { ProcessFunction, ProcessFunctionContext } from '../../core/process/ProcessFunction';
import { copyFunction } from '../../core/process/RuntimeContext';
import { TIMERS_NEED_KEYS, TimerService } from '../../core/process/TimerService';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../../time/Watermark';
import { AbstractStreamOperator } from '../AbstractStreamOperator';
import { functionRuntimeContext } from './FunctionRuntimeContext';
import { TimestampedCollector } from './TimestampedCollector';

/** Flink's ProcessOperator: a ProcessFunction on a non-keyed stream (no keyed state, no timers). */
export class ProcessOperator<I, O> extends AbstractStreamOperator<I, O> {
  private readonly fn: ProcessFunction<I, O>;
  private readonly collector = new TimestampedCollector<O>(() => this.output);
  private readonly ctx = new NonKeyedContext(this);
  watermark = MIN_WATERMARK;
  timestamp = NO_TIMESTAMP;

  constructor(fn: ProcessFunction<I, O>, name: string) {
    super(name);
    this.fn = copyFunction(fn);
  }

  override open(): void {
    this.fn.setRuntimeContext(functionRuntimeContext(this.context, undefined));
    this.fn.open();
  }

  processElement(value: I, timestamp: number): void {
    this.timestamp = timestamp;
    this.collector.timestamp = timestamp;
    try {
      this.fn.processElement(value, this.ctx, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  override processWatermark(watermark: number): void {
    this.watermark = watermark;
    super.processWatermark(watermark);
  }

  override close(): void {
    this.fn.close();
  }

  /** @internal */
  emitSide<S>(tag: OutputTag<S>, value: S): void {
    this.output.collectSide(tag, value, this.timestamp);
  }

  /** @internal */
  now(): number {
    return this.context.processingTimeService.getCurrentProcessingTime();
  }
}

class NonKeyedContext implements ProcessFunctionContext, TimerService {
  constructor(private readonly op: ProcessOperator<never, never>) {}

  timestamp(): number | undefined {
    return this.op.timestamp === NO_TIMESTAMP ? undefined : this.op.timestamp;
  }
  timerService(): TimerService {
    return this;
  }
  output<S>(tag: OutputTag<S>, value: S): void {
    this.op.emitSide(tag, value);
  }
  currentProcessingTime(): number {
    return this.op.now();
  }
  currentWatermark(): number {
    return this.op.watermark;
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
