import { Collector } from '../functions';
import { KeyedOnTimerContext, KeyedProcessFunctionContext, ProcessFunctionContext } from './ProcessFunction';
import { AbstractRichFunction } from './RuntimeContext';

/** Flink's CoMapFunction: one result per element of either input. */
export interface CoMapFunction<IN1, IN2, R> {
  map1(value: IN1): R;
  map2(value: IN2): R;
}

/** Flink's CoFlatMapFunction: any number of results per element of either input. */
export interface CoFlatMapFunction<IN1, IN2, R> {
  flatMap1(value: IN1, out: Collector<R>): void;
  flatMap2(value: IN2, out: Collector<R>): void;
}

/** Flink's CoProcessFunction on two non-keyed inputs (no keyed state, no timers). */
export abstract class CoProcessFunction<IN1, IN2, R> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: ProcessFunctionContext, out: Collector<R>): void;
  abstract processElement2(value: IN2, ctx: ProcessFunctionContext, out: Collector<R>): void;
}

/**
 * Flink's KeyedCoProcessFunction: two inputs keyed the same way share keyed state and timers
 * (a key's state sees the elements of both inputs).
 */
export abstract class KeyedCoProcessFunction<K, IN1, IN2, R> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: KeyedProcessFunctionContext<K>, out: Collector<R>): void;
  abstract processElement2(value: IN2, ctx: KeyedProcessFunctionContext<K>, out: Collector<R>): void;

  onTimer(_timestamp: number, _ctx: KeyedOnTimerContext<K>, _out: Collector<R>): void {}
}
