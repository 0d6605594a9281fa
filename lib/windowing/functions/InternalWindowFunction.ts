import { Collector } from '../../api/functions';
import { Window } from '../windows/Window';
import { ProcessWindowContext, ProcessWindowFunction, processWindowFunctionName } from './ProcessWindowFunction';

/**
 * How the window operator turns a window's contents into output. `R` is what the contents
 * yield: a single aggregate (reduce/aggregate) or all the elements (process without
 * pre-aggregation).
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
