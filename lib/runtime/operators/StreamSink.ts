import { SinkContext, SinkFunction, SinkRuntimeContext } from '../../connectors/sink/SinkFunction';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../../time/Watermark';
import { AbstractStreamOperator } from '../AbstractStreamOperator';

export type SinkWriterFactory<T> = (ctx: SinkRuntimeContext) => SinkFunction<T>;

/** Hands each record to the user's sink function. */
export class StreamSink<T> extends AbstractStreamOperator<T, never> implements SinkContext {
  private sink!: SinkFunction<T>;
  private watermark = MIN_WATERMARK;
  private recordTimestamp = NO_TIMESTAMP;

  constructor(
    private readonly createSink: SinkWriterFactory<T>,
    name: string,
  ) {
    super(name);
  }

  get timestamp(): number | undefined {
    return this.recordTimestamp === NO_TIMESTAMP ? undefined : this.recordTimestamp;
  }

  get currentWatermark(): number {
    return this.watermark;
  }

  get currentProcessingTime(): number {
    return this.context.clock.now();
  }

  override open(): void {
    const { subtaskIndex, parallelism, taskName, stdout, stderr } = this.context;
    const runtime: SinkRuntimeContext = { subtaskIndex, parallelism, taskName, stdout, stderr };
    this.sink = this.createSink(runtime);
    this.sink.open?.(runtime);
  }

  processElement(value: T, timestamp: number): void {
    this.recordTimestamp = timestamp;
    try {
      this.sink.invoke(value, this);
    } catch (e) {
      this.userFunctionFailed(e, value);
    }
  }

  override processWatermark(watermark: number): void {
    this.watermark = watermark;
    this.metrics.currentOutputWatermark = watermark;
  }

  override processWatermarkStatus(): void {}

  override flush(): void {
    const draining = this.sink.flush?.();
    if (!draining) return;
    const hold = this.context.holdInputUntil ?? this.context.trackAsync;
    if (hold) hold(draining, 'writing');
    else draining.catch((e: Error) => this.context.log('%s: writing failed: %s', this.name, e.message));
  }

  override endInput(): void {
    this.sink.finish?.();
  }

  override close(): void {
    this.sink?.close?.();
  }
}
