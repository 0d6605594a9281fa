/** User functions, in Flink's vocabulary. Records are passed by reference: do not mutate inputs. */

export type MapFunction<T, R> = (value: T) => R;

export type FilterFunction<T> = (value: T) => boolean;

export type ReduceFunction<T> = (accumulated: T, value: T) => T;

export type KeySelector<T, K> = (value: T) => K;

export interface Collector<T> {
  collect(value: T): void;
}

/** Emits through `out.collect` (Flink style) or returns an iterable (Array.prototype.flatMap style). */
export type FlatMapFunction<T, R> = (value: T, out: Collector<R>) => void | Iterable<R>;

/** Flink's AggregateFunction: incremental aggregation with an accumulator. */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}

/** Fields of T whose type is number: what sum/min/max accept, checked by the compiler. */
export type NumericField<T> = { [K in keyof T]-?: T[K] extends number ? K : never }[keyof T] & string;

/** Fields of T that hold something comparable with < (numbers, strings, Dates, bigints). */
export type ComparableField<T> = {
  [K in keyof T]-?: T[K] extends number | string | bigint | Date ? K : never;
}[keyof T] &
  string;
