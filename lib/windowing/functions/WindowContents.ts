import { AggregateFunction, ReduceFunction } from '../../core/functions';
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
  /**
   * A copy to change in place, made when the state table does not own the accumulator alone: a
   * snapshot holds it, or it is the window's first element itself (StateTable.transform).
   */
  copy(accumulator: ACC): ACC;
}

/**
 * A reduction that owns its accumulator: it starts as a copy of the first element and later
 * elements are added into it in place (the built-in sum), instead of a new value per element.
 */
export interface InPlaceReduce<T> {
  /** A copy the reduction may change in place. */
  copy(value: T): T;
  /** Adds `value` into `accumulator`, a copy made by `copy`. */
  addInto(accumulator: T, value: T): void;
}

export class ReducingContents<T> implements WindowContents<T, T, T> {
  readonly kind = 'reduce' as const;

  constructor(
    private readonly reduce: ReduceFunction<T>,
    readonly name: string,
    /** Set for built-in aggregations, which add into an accumulator of their own. */
    private readonly inPlace?: InPlaceReduce<T>,
  ) {}

  add(accumulator: T | undefined, value: T): T {
    const inPlace = this.inPlace;
    if (inPlace === undefined) return accumulator === undefined ? value : this.reduce(accumulator, value);
    if (accumulator === undefined) return inPlace.copy(value);
    inPlace.addInto(accumulator, value);
    return accumulator;
  }

  /**
   * An accumulator changed in place is handed out as a copy: later elements (allowed lateness,
   * triggers that fire more than once) must not change a result that went downstream.
   */
  getResult(accumulator: T): T {
    return this.inPlace ? this.inPlace.copy(accumulator) : accumulator;
  }

  merge(a: T, b: T): T {
    if (this.inPlace === undefined) return this.reduce(a, b);
    this.inPlace.addInto(a, b);
    return a;
  }

  /**
   * Called before an accumulator the table does not own alone is changed: the built-in
   * reduction copies its own way; a user's reduce function may change its first argument and
   * return it (allowed in Flink), so its accumulator is deep-copied: once per window and
   * checkpoint, and once for the first element a window keeps as it is. A snapshot, the record
   * and the other windows it went to stay as they were.
   */
  copy(accumulator: T): T {
    return this.inPlace ? this.inPlace.copy(accumulator) : copyStateValue(accumulator);
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
