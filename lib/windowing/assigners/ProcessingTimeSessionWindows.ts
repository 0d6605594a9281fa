import { Duration, toMillis } from '../../core/Time';
import { ProcessingTimeTrigger } from '../triggers/ProcessingTimeTrigger';
import { Trigger } from '../triggers/Trigger';
import { TimeWindow } from '../windows/TimeWindow';
import { DynamicProcessingTimeSessionWindows } from './DynamicProcessingTimeSessionWindows';
import { checkGap, SessionWindowTimeGapExtractor } from './SessionWindowTimeGapExtractor';
import { MergingWindowAssigner, WindowAssignerContext } from './WindowAssigner';

/** Flink's ProcessingTimeSessionWindows: sessions over processing time [now, now + gap). */
export class ProcessingTimeSessionWindows implements MergingWindowAssigner<unknown, TimeWindow> {
  readonly isMerging = true;

  private constructor(readonly sessionTimeout: number) {
    checkGap(sessionTimeout, 'ProcessingTimeSessionWindows gap');
  }

  static withGap(size: Duration): ProcessingTimeSessionWindows {
    return new ProcessingTimeSessionWindows(toMillis(size));
  }

  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): DynamicProcessingTimeSessionWindows<T> {
    return new DynamicProcessingTimeSessionWindows<T>(extractor);
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    return [new TimeWindow(now, now + this.sessionTimeout)];
  }

  mergeWindows(windows: readonly TimeWindow[], merge: (toBeMerged: TimeWindow[], mergeResult: TimeWindow) => void): void {
    TimeWindow.mergeWindows(windows, merge);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  toString(): string {
    return `ProcessingTimeSessionWindows(${this.sessionTimeout})`;
  }
}
