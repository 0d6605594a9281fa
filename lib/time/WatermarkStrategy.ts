import { Clock } from './Clock';
import { BoundedOutOfOrdernessWatermarks } from './BoundedOutOfOrdernessWatermarks';
import { Duration, toMillis } from '../core/Time';
import { NO_TIMESTAMP } from './Watermark';
import { TimestampAssigner, WatermarkGenerator } from './WatermarkGenerator';
import { WatermarksWithIdleness } from './WatermarksWithIdleness';

export interface WatermarkGeneratorContext {
  readonly clock: Clock;
}

type GeneratorFactory<T> = (ctx: WatermarkGeneratorContext) => WatermarkGenerator<T>;

/** Keeps the record's existing timestamp, as Flink's RecordTimestampAssigner. */
const recordTimestamp = <T>(_e: T, ts: number): number => ts;

/**
 * How a stream gets event timestamps and watermarks, with Flink's builders:
 * `WatermarkStrategy.forBoundedOutOfOrderness<Rec>(Time.seconds(2)).withTimestampAssigner(r => r.ts)`.
 */
export class WatermarkStrategy<T> {
  private constructor(
    private readonly generatorFactory: GeneratorFactory<T>,
    private readonly assigner: TimestampAssigner<T>,
    readonly description: string,
    readonly idleTimeoutMs: number | undefined,
  ) {}

  /** Ascending timestamps: watermark = max timestamp seen - 1. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(0), recordTimestamp, 'monotonous', undefined);
  }

  /** Elements may arrive up to `maxOutOfOrderness` late: watermark = max seen - bound - 1. */
  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: Duration): WatermarkStrategy<T> {
    const bound = toMillis(maxOutOfOrderness);
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(bound), recordTimestamp, `boundedOutOfOrderness(${bound})`, undefined);
  }

  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => ({ onEvent() {}, onPeriodicEmit() {} }), recordTimestamp, 'noWatermarks', undefined);
  }

  static forGenerator<T>(factory: GeneratorFactory<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(factory, recordTimestamp, 'custom', undefined);
  }

  withTimestampAssigner<U extends T>(assigner: TimestampAssigner<U>): WatermarkStrategy<U> {
    return new WatermarkStrategy<U>(this.generatorFactory, assigner, this.description, this.idleTimeoutMs);
  }

  /** Marks the stream idle when no element arrived for `timeout` of processing time. */
  withIdleness(timeout: Duration): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.generatorFactory, this.assigner, this.description, toMillis(timeout));
  }

  createWatermarkGenerator(ctx: WatermarkGeneratorContext): WatermarkGenerator<T> {
    const generator = this.generatorFactory(ctx);
    return this.idleTimeoutMs === undefined ? generator : new WatermarksWithIdleness(generator, this.idleTimeoutMs, ctx.clock);
  }

  createTimestampAssigner(): TimestampAssigner<T> {
    return this.assigner;
  }

  /** True when the assigner only passes through the record's timestamp (no extractor given). */
  usesRecordTimestamps(): boolean {
    return this.assigner === recordTimestamp;
  }
}

export { NO_TIMESTAMP };
