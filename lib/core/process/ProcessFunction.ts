import { Collector } from '../functions';
import { OutputTag } from '../OutputTag';
import { AbstractRichFunction } from './RuntimeContext';
import { TimeDomain, TimerService } from './TimerService';

export interface ProcessFunctionContext {
  /** The element's timestamp (or the timer's in onTimer); undefined when it has none. */
  timestamp(): number | undefined;
  timerService(): TimerService;
  /** Emits to a side output, with the element's timestamp. */
  output<S>(tag: OutputTag<S>, value: S): void;
}

export interface OnTimerContext extends ProcessFunctionContext {
  timeDomain(): TimeDomain;
}

export interface KeyedProcessFunctionContext<K> extends ProcessFunctionContext {
  getCurrentKey(): K;
}

export interface KeyedOnTimerContext<K> extends OnTimerContext {
  getCurrentKey(): K;
}

/**
 * Flink's ProcessFunction on a non-keyed stream: each element with a context (timestamp,
 * watermark, side outputs). Timers need keys: use KeyedProcessFunction.
 */
export abstract class ProcessFunction<I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: ProcessFunctionContext, out: Collector<O>): void;
}

/**
 * Flink's KeyedProcessFunction: each element of a keyed stream with its key, keyed state
 * (getRuntimeContext().getState(...)) and timers; onTimer is called when a timer fires, with
 * the timer's key as the current key.
 */
export abstract class KeyedProcessFunction<K, I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: KeyedProcessFunctionContext<K>, out: Collector<O>): void;

  onTimer(_timestamp: number, _ctx: KeyedOnTimerContext<K>, _out: Collector<O>): void {}
}
