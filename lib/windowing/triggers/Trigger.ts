import { Window } from '../windows/Window';

/** Flink's TriggerResult: whether to evaluate the window function, and whether to clear contents. */
export type TriggerResult = 'CONTINUE' | 'FIRE' | 'PURGE' | 'FIRE_AND_PURGE';

export function isFire(r: TriggerResult): boolean {
  return r === 'FIRE' || r === 'FIRE_AND_PURGE';
}

export function isPurge(r: TriggerResult): boolean {
  return r === 'PURGE' || r === 'FIRE_AND_PURGE';
}

/** A small per-(key, window) value a trigger may keep (e.g. a count). */
export interface TriggerState<V> {
  get(): V | undefined;
  update(value: V): void;
  clear(): void;
}

/** What a trigger may do for the (key, window) it is called about. */
export interface TriggerContext {
  getCurrentWatermark(): number;
  getCurrentProcessingTime(): number;
  registerEventTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  /** Per-(key, window) trigger state under `name`. */
  getState<V>(name: string): TriggerState<V>;
}

/** Also passed on merge, so a trigger can re-register timers for the merged window. */
export type OnMergeContext = TriggerContext;

/**
 * Flink's Trigger: decides when a window fires. Implement it to write your own; onMerge is
 * needed only for merging (session) windows.
 */
export interface Trigger<T, W extends Window> {
  onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  clear(window: W, ctx: TriggerContext): void;
  canMerge(): boolean;
  onMerge?(window: W, ctx: OnMergeContext): void;
  toString(): string;
}
