import { MAX_WATERMARK } from '../../time/Watermark';
import { TimestampAssigner, WatermarkGenerator } from '../../time/WatermarkGenerator';
import { WatermarkStrategy } from '../../time/WatermarkStrategy';
import { AbstractStreamOperator } from '../AbstractStreamOperator';
import { Cancellable } from '../ProcessingTimeService';
import { WatermarkStatus } from '../WatermarkStatus';
import { WatermarkEmitter } from './WatermarkEmitter';

/**
 * Flink's TimestampsAndWatermarksOperator: stamps each element with its event time, feeds the
 * watermark generator, and emits watermarks every autoWatermarkInterval of processing time.
 * Upstream watermarks are ignored except the final MAX one (end of input).
 */
export class TimestampsAndWatermarksOperator<T> extends AbstractStreamOperator<T, T> {
  private generator!: WatermarkGenerator<T>;
  private assigner!: TimestampAssigner<T>;
  private emitter!: WatermarkEmitter;
  private interval = 0;
  private timer: Cancellable | undefined;

  constructor(
    private readonly strategy: WatermarkStrategy<T>,
    name = 'Timestamps/Watermarks',
  ) {
    super(name);
  }

  override open(): void {
    this.generator = this.strategy.createWatermarkGenerator({ clock: this.context.clock });
    this.assigner = this.strategy.createTimestampAssigner();
    this.emitter = new WatermarkEmitter(this.output);
    this.interval = this.context.autoWatermarkInterval;
    if (this.interval > 0) this.schedule(this.context.processingTimeService.getCurrentProcessingTime() + this.interval);
  }

  processElement(value: T, timestamp: number): void {
    let eventTime: number;
    try {
      eventTime = this.assigner(value, timestamp);
      if (typeof eventTime !== 'number' || Number.isNaN(eventTime)) {
        throw new TypeError(`timestamp assigner returned ${String(eventTime)}; expected epoch milliseconds`);
      }
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    this.output.collect(value, eventTime);
    this.generator.onEvent(value, eventTime, this.emitter);
  }

  override processWatermark(watermark: number): void {
    if (watermark === MAX_WATERMARK && this.emitter.currentWatermark !== MAX_WATERMARK) {
      this.metrics.currentOutputWatermark = MAX_WATERMARK;
      this.emitter.emitWatermark(MAX_WATERMARK);
    }
  }

  override processWatermarkStatus(_status: WatermarkStatus): void {
    // This operator decides the stream's watermark status itself (idleness), as in Flink.
  }

  override endInput(): void {
    this.generator.onPeriodicEmit(this.emitter);
    this.metrics.currentOutputWatermark = this.emitter.currentWatermark;
  }

  override close(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(at: number): void {
    const time = this.context.processingTimeService;
    this.timer = time.registerTimer(at, () => {
      this.generator.onPeriodicEmit(this.emitter);
      this.metrics.currentOutputWatermark = this.emitter.currentWatermark;
      this.schedule(time.getCurrentProcessingTime() + this.interval);
    });
  }
}
