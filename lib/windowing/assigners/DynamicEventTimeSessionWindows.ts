import { EventTimeTrigger } from '../triggers/EventTimeTrigger';
import { Trigger } from '../triggers/Trigger';
import { TimeWindow } from '../windows/TimeWindow';
import { checkGap, SessionWindowTimeGapExtractor } from './SessionWindowTimeGapExtractor';
import { MergingWindowAssigner, requireTimestamp } from './WindowAssigner';

/** Flink's DynamicEventTimeSessionWindows: the gap comes from each element. */
export class DynamicEventTimeSessionWindows<T> implements MergingWindowAssigner<T, TimeWindow> {
  readonly isMerging = true;

  constructor(private readonly extractor: SessionWindowTimeGapExtractor<T>) {}

  assignWindows(element: T, timestamp: number): TimeWindow[] {
    requireTimestamp(timestamp, this.toString());
    const gap = checkGap(this.extractor(element), 'Dynamic session time gap');
    return [new TimeWindow(timestamp, timestamp + gap)];
  }

  mergeWindows(windows: readonly TimeWindow[], merge: (toBeMerged: TimeWindow[], mergeResult: TimeWindow) => void): void {
    TimeWindow.mergeWindows(windows, merge);
  }

  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  toString(): string {
    return 'DynamicEventTimeSessionWindows()';
  }
}
