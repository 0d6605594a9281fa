import { Trigger } from '../triggers/Trigger';
import { Window } from '../windows/Window';

export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

/**
 * Assigns each element to zero or more windows (Flink's WindowAssigner). Event-time assigners
 * drive lateness and cleanup by the watermark; processing-time ones by the clock.
 */
export interface WindowAssigner<T, W extends Window> {
  assignWindows(element: T, timestamp: number, context: WindowAssignerContext): W[];
  getDefaultTrigger(): Trigger<T, W>;
  isEventTime(): boolean;
  /** Windows that can merge (sessions) implement mergeWindows. */
  readonly isMerging: boolean;
  /** The name used in operator names and plans, e.g. TumblingEventTimeWindows(5000). */
  toString(): string;
}

/** Flink's MergingWindowAssigner: says which windows merge into which (sessions). */
export interface MergingWindowAssigner<T, W extends Window> extends WindowAssigner<T, W> {
  readonly isMerging: true;
  mergeWindows(windows: readonly W[], merge: (toBeMerged: W[], mergeResult: W) => void): void;
}

export function isMergingAssigner<T, W extends Window>(a: WindowAssigner<T, W>): a is MergingWindowAssigner<T, W> {
  return a.isMerging;
}

/** Flink's error when an event-time assigner gets a record without a timestamp. */
export function requireTimestamp(timestamp: number, assigner: string): void {
  if (timestamp === Number.MIN_SAFE_INTEGER) {
    throw new Error(
      `${assigner}: record has no timestamp (NO_TIMESTAMP marker): assign event time with assignTimestampsAndWatermarks() ` + 'or use a processing-time window',
    );
  }
}
