import { Collector } from '../../core/functions';
import { OutputTag } from '../../core/OutputTag';
import { KeyedStateStore } from '../../core/state/KeyedStateStore';
import { Window } from '../windows/Window';

/** What a ProcessWindowFunction knows when it is called (Flink's ProcessWindowFunction.Context). */
export interface ProcessWindowContext<W extends Window> {
  readonly window: W;
  currentWatermark(): number;
  currentProcessingTime(): number;
  /** Keyed state of this key and window, cleared by your `clear` when the window is purged. */
  windowState(): KeyedStateStore;
  /** Keyed state of this key, across all its windows. */
  globalState(): KeyedStateStore;
  /** Emits to a side output. */
  output<S>(tag: OutputTag<S>, value: S): void;
}

/**
 * A window function with window metadata. As a plain function or an object with `process`
 * (and `clear`, called when the window is purged for good).
 */
export type ProcessWindowFunction<IN, OUT, K, W extends Window> =
  | ((key: K, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>) => void)
  | {
      process(key: K, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;
      clear?(context: ProcessWindowContext<W>): void;
      readonly name?: string;
    };

/** Flink's legacy WindowFunction (WindowedStream.apply): key, window, elements. */
export type WindowFunction<IN, OUT, K, W extends Window> = (key: K, window: W, elements: Iterable<IN>, out: Collector<OUT>) => void;

export function processWindowFunctionName(fn: ProcessWindowFunction<never, unknown, never, Window>): string {
  if (typeof fn === 'function') return fn.name || 'ProcessWindowFunction';
  const ctor = (fn as { constructor?: { name?: string } }).constructor?.name;
  return fn.name ?? (ctor && ctor !== 'Object' ? ctor : 'ProcessWindowFunction');
}
