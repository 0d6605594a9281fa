import { Collector } from '../functions';
import { OutputTag } from '../OutputTag';
import { MapStateDescriptor } from '../state/StateDescriptor';
import { ValueState, ListState, MapState, ReducingState, AggregatingState } from '../state/State';
import { AnyStateDescriptor } from '../state/StateDescriptor';
import { AbstractRichFunction } from './RuntimeContext';
import { KeyedOnTimerContext } from './ProcessFunction';
import { TimerService } from './TimerService';

/** Broadcast state as the non-broadcast side sees it: read only (Flink's ReadOnlyBroadcastState). */
export interface ReadOnlyBroadcastState<K, V> {
  get(key: K): V | undefined;
  contains(key: K): boolean;
  entries(): IterableIterator<[K, V]>;
  keys(): IterableIterator<K>;
  isEmpty(): boolean;
}

/** Broadcast state as the broadcast side sees it: the same on every subtask, written by every subtask alike. */
export interface BroadcastState<K, V> extends ReadOnlyBroadcastState<K, V> {
  put(key: K, value: V): void;
  putAll(entries: Iterable<readonly [K, V]>): void;
  remove(key: K): void;
  clear(): void;
}

interface BaseContext {
  /** The element's timestamp; undefined when it has none. */
  timestamp(): number | undefined;
  currentProcessingTime(): number;
  currentWatermark(): number;
  output<S>(tag: OutputTag<S>, value: S): void;
}

export interface BroadcastReadOnlyContext extends BaseContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V>;
}

export interface BroadcastContext extends BaseContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
}

type StateOf<D> = D extends { kind: 'value' }
  ? ValueState<never>
  : D extends { kind: 'list' }
    ? ListState<never>
    : D extends { kind: 'map' }
      ? MapState<never, never>
      : D extends { kind: 'reducing' }
        ? ReducingState<never>
        : AggregatingState<never, never>;

export interface KeyedBroadcastReadOnlyContext<K> extends BroadcastReadOnlyContext {
  getCurrentKey(): K;
  timerService(): TimerService;
}

export interface KeyedBroadcastContext<K> extends BroadcastContext {
  /** Runs `fn` for every key that has a value in the keyed state `descriptor` (Flink's applyToKeyedState). */
  applyToKeyedState<D extends AnyStateDescriptor>(descriptor: D, fn: (key: K, state: StateOf<D>) => void): void;
}

export interface KeyedBroadcastOnTimerContext<K> extends KeyedOnTimerContext<K> {
  getBroadcastState<BK, V>(descriptor: MapStateDescriptor<BK, V>): ReadOnlyBroadcastState<BK, V>;
}

/**
 * Flink's BroadcastProcessFunction: elements of a non-keyed stream read the broadcast state;
 * elements of the broadcast stream (every subtask sees all of them) write it.
 */
export abstract class BroadcastProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN1, ctx: BroadcastReadOnlyContext, out: Collector<OUT>): void;
  abstract processBroadcastElement(value: IN2, ctx: BroadcastContext, out: Collector<OUT>): void;
}

/** Flink's KeyedBroadcastProcessFunction: the same on a keyed stream, with keyed state and timers. */
export abstract class KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN1, ctx: KeyedBroadcastReadOnlyContext<K>, out: Collector<OUT>): void;
  abstract processBroadcastElement(value: IN2, ctx: KeyedBroadcastContext<K>, out: Collector<OUT>): void;
  onTimer(_timestamp: number, _ctx: KeyedBroadcastOnTimerContext<K>, _out: Collector<OUT>): void {}
}
