import { AggregateFunction, Collector, ReduceFunction } from '../../core/functions';
import { Window } from '../windows/Window';
import { copyStateValue } from '../../runtime/state/heap/AbstractHeapState';
import { ProcessWindowContext, ProcessWindowFunction, WindowFunction, processWindowFunctionName } from './ProcessWindowFunction';

/**
 * How the window operator turns a window's contents into output. `R` is what the contents
 * yield: a single aggregate (reduce/aggregate) or all the elements (process, evictors).
 */
export interface InternalWindowFunction<R, OUT, K, W extends Window> {
  readonly name: string;
  process(key: K, context: ProcessWindowContext<W>, contents: R, out: Collector<OUT>): void;
  clear(context: ProcessWindowContext<W>): void;
}

/** The aggregate itself is the result (reduce, sum, aggregate without a window function). */
export class PassThroughWindowFunction<T, K, W extends Window> implements InternalWindowFunction<T, T, K, W> {
  readonly name = 'PassThroughWindowFunction';

  process(_key: K, _context: ProcessWindowContext<W>, contents: T, out: Collector<T>): void {
    out.collect(contents);
  }

  clear(): void {}
}

/** A user ProcessWindowFunction over all elements, or over the single pre-aggregated value. */
export class UserProcessWindowFunction<IN, OUT, K, W extends Window> implements InternalWindowFunction<unknown, OUT, K, W> {
  readonly name: string;

  constructor(
    private readonly fn: ProcessWindowFunction<IN, OUT, K, W>,
    private readonly singleValue: boolean,
  ) {
    this.name = processWindowFunctionName(fn as ProcessWindowFunction<never, unknown, never, Window>);
  }

  process(key: K, context: ProcessWindowContext<W>, contents: unknown, out: Collector<OUT>): void {
    const elements = (this.singleValue ? [contents] : contents) as Iterable<IN>;
    if (typeof this.fn === 'function') this.fn(key, context, elements, out);
    else this.fn.process(key, context, elements, out);
  }

  clear(context: ProcessWindowContext<W>): void {
    if (typeof this.fn !== 'function') this.fn.clear?.(context);
  }
}

/** Flink's legacy WindowFunction (apply), over all elements or the pre-aggregated value. */
export class UserWindowFunction<IN, OUT, K, W extends Window> implements InternalWindowFunction<unknown, OUT, K, W> {
  readonly name: string;

  constructor(
    private readonly fn: WindowFunction<IN, OUT, K, W>,
    private readonly singleValue: boolean,
  ) {
    this.name = fn.name || 'WindowFunction';
  }

  process(key: K, context: ProcessWindowContext<W>, contents: unknown, out: Collector<OUT>): void {
    this.fn(key, context.window, (this.singleValue ? [contents] : contents) as Iterable<IN>, out);
  }

  clear(): void {}
}

/**
 * With an evictor the elements are kept and reduced only when the window fires (Flink's
 * ReduceApplyProcessWindowFunction); an empty window (all evicted) emits nothing.
 */
export class ReduceApplyWindowFunction<T, OUT, K, W extends Window> implements InternalWindowFunction<Iterable<T>, OUT, K, W> {
  readonly name: string;

  constructor(
    private readonly reduce: ReduceFunction<T>,
    private readonly inner: InternalWindowFunction<T, OUT, K, W>,
  ) {
    this.name = inner.name;
  }

  process(key: K, context: ProcessWindowContext<W>, contents: Iterable<T>, out: Collector<OUT>): void {
    let acc: T | undefined;
    // The first element stays in the window's state (and maybe in a snapshot): a reduce
    // function that changes its first argument gets a copy of it, one per firing.
    for (const v of contents) acc = acc === undefined ? copyStateValue(v) : this.reduce(acc, v);
    if (acc !== undefined) this.inner.process(key, context, acc, out);
  }

  clear(context: ProcessWindowContext<W>): void {
    this.inner.clear(context);
  }
}

/** Flink's AggregateApplyWindowFunction: aggregates the kept elements when the window fires. */
export class AggregateApplyWindowFunction<IN, ACC, V, OUT, K, W extends Window> implements InternalWindowFunction<Iterable<IN>, OUT, K, W> {
  readonly name: string;

  constructor(
    private readonly fn: AggregateFunction<IN, ACC, V>,
    private readonly inner: InternalWindowFunction<V, OUT, K, W>,
  ) {
    this.name = inner.name;
  }

  process(key: K, context: ProcessWindowContext<W>, contents: Iterable<IN>, out: Collector<OUT>): void {
    let acc = this.fn.createAccumulator();
    for (const v of contents) acc = this.fn.add(v, acc);
    this.inner.process(key, context, this.fn.getResult(acc), out);
  }

  clear(context: ProcessWindowContext<W>): void {
    this.inner.clear(context);
  }
}
