import { AggregateFunction, ReduceFunction } from '../../api/functions';
import { copyStateValue } from '../../runtime/state/heap/AbstractHeapState';

/**
 * How a window keeps its contents in keyed state: incrementally (reduce, aggregate: one
 * accumulator per window, no buffering of elements) or as a list (process without
 * pre-aggregation, evictors). An empty window has no accumulator at all.
 */
export interface WindowContents<IN, ACC, R> {
  /** Named in the operator name, e.g. SumAggregator. */
  readonly name: string;
  readonly kind: 'reduce' | 'aggregate' | 'list';
  /** Adds `value` to the accumulator (undefined for an empty window); may change it in place. */
  add(accumulator: ACC | undefined, value: IN): ACC;
  getResult(accumulator: ACC): R;
  merge(a: ACC, b: ACC): ACC;
  /** A copy to change in place when a snapshot still holds the accumulator. */
  copy(accumulator: ACC): ACC;
}

export class ReducingContents<T> implements WindowContents<T, T, T> {
  readonly kind = 'reduce' as const;

  constructor(
    private readonly reduce: ReduceFunction<T>,
    readonly name: string,
  ) {}

  add(accumulator: T | undefined, value: T): T {
    return accumulator === undefined ? value : this.reduce(accumulator, value);
  }

  getResult(accumulator: T): T {
    return accumulator;
  }

  merge(a: T, b: T): T {
    return this.reduce(a, b);
  }

  /** Reduce results are new values (functions must not change their inputs): share them. */
  copy(accumulator: T): T {
    return accumulator;
  }
}

export class AggregatingContents<IN, ACC, OUT> implements WindowContents<IN, ACC, OUT> {
  readonly kind = 'aggregate' as const;

  constructor(
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
    readonly name: string,
  ) {}

  add(accumulator: ACC | undefined, value: IN): ACC {
    return this.fn.add(value, accumulator === undefined ? this.fn.createAccumulator() : accumulator);
  }

  getResult(accumulator: ACC): OUT {
    return this.fn.getResult(accumulator);
  }

  merge(a: ACC, b: ACC): ACC {
    return this.fn.merge(a, b);
  }

  /** Accumulators are often changed in place by `add`: deep copy. */
  copy(accumulator: ACC): ACC {
    return copyStateValue(accumulator);
  }
}

export class ListContents<T> implements WindowContents<T, T[], T[]> {
  readonly kind = 'list' as const;
  readonly name = 'ListState';

  add(accumulator: T[] | undefined, value: T): T[] {
    if (accumulator === undefined) return [value];
    accumulator.push(value);
    return accumulator;
  }

  getResult(accumulator: T[]): T[] {
    return accumulator;
  }

  /** Flink's HeapListState merge: the target's elements, then the source's. */
  merge(a: T[], b: T[]): T[] {
    return a.concat(b);
  }

  /** Elements are records, never changed: a shallow copy of the list is enough. */
  copy(accumulator: T[]): T[] {
    return accumulator.slice();
  }
}
