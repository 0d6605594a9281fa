import { KeySelector } from '../../../core/functions';
import { OutputTag } from '../../../core/OutputTag';
import { ProcessJoinContext, ProcessJoinFunction } from '../../../core/process/ProcessJoinFunction';
import { copyFunction } from '../../../core/process/RuntimeContext';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../../../time/Watermark';
import { InternalTimer, InternalTimerService, Triggerable } from '../../InternalTimerService';
import { restorePrimitiveNamespace, VOID_NAMESPACE } from '../../state/Namespace';
import { StateTable } from '../../state/StateTable';
import { AbstractTwoInputStreamOperator } from '../AbstractTwoInputStreamOperator';
import { functionRuntimeContext } from '../FunctionRuntimeContext';
import { TimestampedCollector } from '../TimestampedCollector';

/** Elements of one side of a key, by timestamp. Records are never changed: copies share them. */
type Buffer<T> = Map<number, T[]>;

const CLEANUP_LEFT = 'CLEANUP_LEFT';
const CLEANUP_RIGHT = 'CLEANUP_RIGHT';

/**
 * Flink's IntervalJoinOperator: joins a left element at time t with every right element of the
 * same key in [t + lowerBound, t + upperBound]. Each side is buffered per key by timestamp; an
 * element behind the watermark is not joined; a cleanup timer per element drops it when no
 * future element can join it. A pair carries the larger of its two timestamps.
 */
export class IntervalJoinOperator<K, T1, T2, OUT> extends AbstractTwoInputStreamOperator<T1, T2, OUT, K> implements Triggerable<K, string> {
  private readonly lowerBound: number;
  private readonly upperBound: number;
  private readonly fn: ProcessJoinFunction<T1, T2, OUT>;
  private left!: StateTable<K, null, Buffer<T1>>;
  private right!: StateTable<K, null, Buffer<T2>>;
  private timers!: InternalTimerService<K, string>;
  private readonly collector = new TimestampedCollector<OUT>(() => this.output);
  private readonly ctx = { left: NO_TIMESTAMP, right: NO_TIMESTAMP, result: NO_TIMESTAMP };
  private readonly joinContext: ProcessJoinContext;

  constructor(
    private readonly keySelector1: KeySelector<T1, K>,
    private readonly keySelector2: KeySelector<T2, K>,
    lowerBound: number,
    upperBound: number,
    lowerBoundInclusive: boolean,
    upperBoundInclusive: boolean,
    fn: ProcessJoinFunction<T1, T2, OUT>,
    name: string,
  ) {
    super(name, true);
    if (lowerBound > upperBound) throw new RangeError('lowerBound <= upperBound must be fulfilled');
    // Flink: move the bounds by one instead of checking inclusiveness on every pair.
    this.lowerBound = lowerBoundInclusive ? lowerBound : lowerBound + 1;
    this.upperBound = upperBoundInclusive ? upperBound : upperBound - 1;
    this.fn = copyFunction(fn);
    const ctx = this.ctx;
    this.joinContext = {
      getLeftTimestamp: () => ctx.left,
      getRightTimestamp: () => ctx.right,
      getTimestamp: () => ctx.result,
      output: <S>(tag: OutputTag<S>, value: S) => this.output.collectSide(tag, value, ctx.result),
    };
  }

  override open(): void {
    const copy = <T>(b: Buffer<T>): Buffer<T> => new Map([...b].map(([ts, list]) => [ts, list.slice()]));
    this.left = this.keyed.backend.createTable<null, Buffer<T1>>('LEFT_BUFFER', copy, restorePrimitiveNamespace);
    this.right = this.keyed.backend.createTable<null, Buffer<T2>>('RIGHT_BUFFER', copy, restorePrimitiveNamespace);
    this.timers = this.keyed.getInternalTimerService<string>('CLEANUP_TIMER', this, restorePrimitiveNamespace);
    this.fn.setRuntimeContext(functionRuntimeContext(this.context, () => this.keyed.backend as never));
    this.fn.open();
  }

  processElement1(value: T1, timestamp: number): void {
    this.join(value, timestamp, this.keySelector1, this.left, this.right, this.lowerBound, this.upperBound, true);
  }

  processElement2(value: T2, timestamp: number): void {
    this.join(value, timestamp, this.keySelector2, this.right, this.left, -this.upperBound, -this.lowerBound, false);
  }

  onEventTime(timer: InternalTimer<K, string>): void {
    if (timer.namespace === CLEANUP_LEFT) {
      const ts = this.upperBound <= 0 ? timer.timestamp : timer.timestamp - this.upperBound;
      removeBucket(this.left, ts);
    } else {
      const ts = this.lowerBound <= 0 ? timer.timestamp + this.lowerBound : timer.timestamp;
      removeBucket(this.right, ts);
    }
  }

  onProcessingTime(): void {}

  override close(): void {
    super.close();
    this.fn.close();
  }

  private join<THIS, OTHER>(
    value: THIS,
    timestamp: number,
    keySelector: KeySelector<THIS, K>,
    ours: StateTable<K, null, Buffer<THIS>>,
    theirs: StateTable<K, null, Buffer<OTHER>>,
    relativeLower: number,
    relativeUpper: number,
    isLeft: boolean,
  ): void {
    if (timestamp === NO_TIMESTAMP) {
      throw new Error(`operator '${this.name}': elements used in interval stream joins need meaningful timestamps (assign event time first)`);
    }
    try {
      this.keyed.setCurrentKey(keySelector(value));
    } catch (e) {
      this.userFunctionFailed(e, value);
      return;
    }
    const watermark = this.timers.currentWatermark();
    if (watermark !== MIN_WATERMARK && timestamp < watermark) return; // Flink: late elements are not joined
    const buffer = ours.getForUpdate(VOID_NAMESPACE);
    if (buffer === undefined) ours.put(VOID_NAMESPACE, new Map([[timestamp, [value]]]));
    else {
      const bucket = buffer.get(timestamp);
      if (bucket) bucket.push(value);
      else buffer.set(timestamp, [value]);
    }
    const other = theirs.get(VOID_NAMESPACE);
    if (other) {
      for (const [ts, bucket] of other) {
        if (ts < timestamp + relativeLower || ts > timestamp + relativeUpper) continue;
        for (const e of bucket) {
          if (isLeft) this.emit(value as unknown as T1, e as unknown as T2, timestamp, ts);
          else this.emit(e as unknown as T1, value as unknown as T2, ts, timestamp);
        }
      }
    }
    const cleanupTime = relativeUpper > 0 ? timestamp + relativeUpper : timestamp;
    this.timers.registerEventTimeTimer(isLeft ? CLEANUP_LEFT : CLEANUP_RIGHT, cleanupTime);
  }

  private emit(left: T1, right: T2, leftTs: number, rightTs: number): void {
    const result = Math.max(leftTs, rightTs);
    this.collector.timestamp = result;
    this.ctx.left = leftTs;
    this.ctx.right = rightTs;
    this.ctx.result = result;
    try {
      this.fn.processElement(left, right, this.joinContext, this.collector);
    } catch (e) {
      this.userFunctionFailed(e, { left, right });
    }
  }
}

function removeBucket<K, T>(table: StateTable<K, null, Buffer<T>>, timestamp: number): void {
  const buffer = table.getForUpdate(VOID_NAMESPACE);
  if (!buffer) return;
  buffer.delete(timestamp);
  if (buffer.size === 0) table.remove(VOID_NAMESPACE);
}
