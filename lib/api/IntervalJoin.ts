import { IntervalJoinOperator } from '../runtime/operators/co/IntervalJoinOperator';
import { Duration, toMillis } from '../core/Time';
import { ConnectedStreams } from './ConnectedStreams';
import { SingleOutputStreamOperator } from './DataStream';
import type { KeyedStream } from './KeyedStream';
import { ProcessJoinFunction } from '../core/process/ProcessJoinFunction';

/** A signed interval bound: a Duration (>= 0) or a number of ms (may be negative). */
export type Bound = Duration | number;

const ms = (b: Bound): number => (typeof b === 'number' ? b : toMillis(b));

/**
 * Flink's interval join: `orders.keyBy(k).intervalJoin(payments.keyBy(k)).between(-5000, 5000)
 * .process(fn)` joins each left element at t with the right elements of its key in
 * [t + lower, t + upper] (event time).
 */
export class IntervalJoin<T1, T2, K> {
  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
  ) {}

  between(lowerBound: Bound, upperBound: Bound): IntervalJoined<T1, T2, K> {
    return new IntervalJoined<T1, T2, K>(this.left, this.right, ms(lowerBound), ms(upperBound));
  }
}

export class IntervalJoined<T1, T2, K> {
  private lowerInclusive = true;
  private upperInclusive = true;

  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
    private readonly lower: number,
    private readonly upper: number,
  ) {
    if (lower > upper) throw new RangeError(`interval join: lower bound ${lower} must be <= upper bound ${upper}`);
  }

  lowerBoundExclusive(): this {
    this.lowerInclusive = false;
    return this;
  }

  upperBoundExclusive(): this {
    this.upperInclusive = false;
    return this;
  }

  process<R>(fn: ProcessJoinFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    const { left, right, lower, upper, lowerInclusive, upperInclusive } = this;
    return new ConnectedStreams<T1, T2>(left, right).transform<R>(
      'Interval Join',
      (name) => new IntervalJoinOperator<K, T1, T2, R>(left.keySelector, right.keySelector, lower, upper, lowerInclusive, upperInclusive, fn, name),
      true,
      'requires',
    );
  }
}
