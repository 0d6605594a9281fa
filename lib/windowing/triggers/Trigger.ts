import { AnyStateDescriptor } from '../../core/state/StateDescriptor';
import { StateFor } from '../../runtime/state/HeapKeyedStateBackend';
import { Window } from '../windows/Window';

/** Flink's TriggerResult: whether to evaluate the window function, and whether to clear contents. */
export type TriggerResult = 'CONTINUE' | 'FIRE' | 'PURGE' | 'FIRE_AND_PURGE';

export function isFire(r: TriggerResult): boolean {
  return r === 'FIRE' || r === 'FIRE_AND_PURGE';
}

export function isPurge(r: TriggerResult): boolean {
  return r === 'PURGE' || r === 'FIRE_AND_PURGE';
}

/** What a trigger may do for the (key, window) it is called about (Flink's Trigger.TriggerContext). */
export interface TriggerContext {
  getCurrentWatermark(): number;
  getCurrentProcessingTime(): number;
  registerEventTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  /** Keyed state of this (key, window), e.g. a ReducingState counting elements. */
  getPartitionedState<D extends AnyStateDescriptor>(descriptor: D): StateFor<D>;
}

/** Passed to onMerge: the state of the merged windows can be merged into the new window's. */
export interface OnMergeContext extends TriggerContext {
  mergePartitionedState(descriptor: AnyStateDescriptor): void;
}

/**
 * Flink's Trigger: decides when a window fires. Implement it to write your own (as a class:
 * its name appears in the operator name); onMerge is needed only for merging (session) windows.
 */
export interface Trigger<T, W extends Window> {
  onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** The window is being removed: delete its timers and state. */
  clear(window: W, ctx: TriggerContext): void;
  canMerge(): boolean;
  onMerge?(window: W, ctx: OnMergeContext): void;
  toString(): string;
}

/** The name Flink prints in operator names: the trigger's class name. */
export function triggerName(trigger: Trigger<never, never>): string {
  const ctor = (trigger as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'Trigger';
}
