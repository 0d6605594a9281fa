import { ProcessingTimeTrigger } from '../triggers/ProcessingTimeTrigger';
import { Trigger } from '../triggers/Trigger';
import { TimeWindow } from '../windows/TimeWindow';
import { checkGap, SessionWindowTimeGapExtractor } from './SessionWindowTimeGapExtractor';
import { MergingWindowAssigner, WindowAssignerContext } from './WindowAssigner';

/** Flink's DynamicProcessingTimeSessionWindows: processing-time sessions, gap per element. */
export class DynamicProcessingTimeSessionWindows<T> implements MergingWindowAssigner<T, TimeWindow> {
  readonly isMerging = true;

  constructor(private readonly extractor: SessionWindowTimeGapExtractor<T>) {}

  assignWindows(element: T, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    return [new TimeWindow(now, now + checkGap(this.extractor(element), 'Dynamic session time gap'))];
  }

  mergeWindows(windows: readonly TimeWindow[], merge: (toBeMerged: TimeWindow[], mergeResult: TimeWindow) => void): void {
    TimeWindow.mergeWindows(windows, merge);
  }

  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  toString(): string {
    return 'DynamicProcessingTimeSessionWindows()';
  }
}
