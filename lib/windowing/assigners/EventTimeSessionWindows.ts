import { Duration, toMillis } from '../../core/Time';
import { EventTimeTrigger } from '../triggers/EventTimeTrigger';
import { Trigger } from '../triggers/Trigger';
import { TimeWindow } from '../windows/TimeWindow';
import { DynamicEventTimeSessionWindows } from './DynamicEventTimeSessionWindows';
import { checkGap, SessionWindowTimeGapExtractor } from './SessionWindowTimeGapExtractor';
import { MergingWindowAssigner, requireTimestamp } from './WindowAssigner';

/**
 * Flink's EventTimeSessionWindows: each element opens [ts, ts + gap); windows that intersect
 * (touching counts) merge into one session.
 */
export class EventTimeSessionWindows implements MergingWindowAssigner<unknown, TimeWindow> {
  readonly isMerging = true;

  private constructor(readonly sessionTimeout: number) {
    checkGap(sessionTimeout, 'EventTimeSessionWindows gap');
  }

  static withGap(size: Duration): EventTimeSessionWindows {
    return new EventTimeSessionWindows(toMillis(size));
  }

  /** A gap per element: `withDynamicGap((e) => e.vip ? 60_000 : 10_000)`. */
  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): DynamicEventTimeSessionWindows<T> {
    return new DynamicEventTimeSessionWindows<T>(extractor);
  }

  assignWindows(_element: unknown, timestamp: number): TimeWindow[] {
    requireTimestamp(timestamp, this.toString());
    return [new TimeWindow(timestamp, timestamp + this.sessionTimeout)];
  }

  mergeWindows(windows: readonly TimeWindow[], merge: (toBeMerged: TimeWindow[], mergeResult: TimeWindow) => void): void {
    TimeWindow.mergeWindows(windows, merge);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  toString(): string {
    return `EventTimeSessionWindows(${this.sessionTimeout})`;
  }
}
