import { AggregateFunction, ReduceFunction } from '../../api/functions';

/**
 * How a window keeps its contents: incrementally (reduce, aggregate: one accumulator per
 * window, no buffering of elements) or as a list (process without pre-aggregation).
 */
export interface WindowContents<IN, ACC, R> {
  /** Named in the operator name, e.g. SumAggregator. */
  readonly name: string;
  readonly kind: 'reduce' | 'aggregate' | 'list';
  createAccumulator(): ACC;
  add(accumulator: ACC, value: IN): ACC;
  getResult(accumulator: ACC): R;
  merge(a: ACC, b: ACC): ACC;
}

const EMPTY: unique symbol = Symbol('empty');
type Reduced<T> = T | typeof EMPTY;

export class ReducingContents<T> implements WindowContents<T, Reduced<T>, T> {
  readonly kind = 'reduce' as const;

  constructor(
    private readonly reduce: ReduceFunction<T>,
    readonly name: string,
  ) {}

  createAccumulator(): Reduced<T> {
    return EMPTY;
  }

  add(accumulator: Reduced<T>, value: T): Reduced<T> {
    return accumulator === EMPTY ? value : this.reduce(accumulator, value);
  }

  getResult(accumulator: Reduced<T>): T {
    if (accumulator === EMPTY) throw new Error('empty window has no reduced value');
    return accumulator;
  }

  merge(a: Reduced<T>, b: Reduced<T>): Reduced<T> {
    if (a === EMPTY) return b;
    if (b === EMPTY) return a;
    return this.reduce(a, b);
  }
}

export class AggregatingContents<IN, ACC, OUT> implements WindowContents<IN, ACC, OUT> {
  readonly kind = 'aggregate' as const;

  constructor(
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
    readonly name: string,
  ) {}

  createAccumulator(): ACC {
    return this.fn.createAccumulator();
  }

  add(accumulator: ACC, value: IN): ACC {
    return this.fn.add(value, accumulator);
  }

  getResult(accumulator: ACC): OUT {
    return this.fn.getResult(accumulator);
  }

  merge(a: ACC, b: ACC): ACC {
    return this.fn.merge(a, b);
  }
}

export class ListContents<T> implements WindowContents<T, T[], T[]> {
  readonly kind = 'list' as const;
  readonly name = 'ListState';

  createAccumulator(): T[] {
    return [];
  }

  add(accumulator: T[], value: T): T[] {
    accumulator.push(value);
    return accumulator;
  }

  getResult(accumulator: T[]): T[] {
    return accumulator;
  }

  merge(a: T[], b: T[]): T[] {
    return a.concat(b);
  }
}
