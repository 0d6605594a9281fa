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
  /** Windows that can merge (sessions) are handled by the merging window operator. */
  readonly isMerging: boolean;
  /** The name used in operator names and plans, e.g. TumblingEventTimeWindows(5000). */
  toString(): string;
}
