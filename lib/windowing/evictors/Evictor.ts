import { Window } from '../windows/Window';

/** An element kept by an evicting window, with its timestamp (Flink's TimestampedValue). */
export interface TimestampedValue<T> {
  readonly value: T;
  readonly timestamp: number;
}

export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

/**
 * Flink's Evictor: removes elements from a window's contents before and/or after the window
 * function runs. `elements` is changed in place (splice what goes).
 */
export interface Evictor<T, W extends Window> {
  evictBefore(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void;
  evictAfter(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void;
}

/** The name Flink prints in operator names: the evictor's class name. */
export function evictorName(evictor: Evictor<never, never>): string {
  const ctor = (evictor as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'Evictor';
}
